internal import NIOCore
internal import NIOSSH

/// Sits behind `NIOSSHHandler` on the TCP channel and turns the handshake into one future: succeeded when user
/// authentication succeeds, failed with the first error (host key refused, credentials refused, connection lost).
final class SSHConnectionMonitor: ChannelInboundHandler {
    typealias InboundIn = Any

    private let authenticated: EventLoopPromise<Void>
    /// Completes when authentication succeeded or the handshake failed.
    var authenticatedFuture: EventLoopFuture<Void> { authenticated.futureResult }
    private var settled = false
    /// The first error seen, kept so that later failures (a closing child channel) can report the cause.
    private(set) var firstError: SFTPError?

    init(authenticated: EventLoopPromise<Void>) {
        self.authenticated = authenticated
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is UserAuthSuccessEvent, !settled {
            settled = true
            authenticated.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let mapped = SFTPError.from(error, during: "SSH handshake")
        if firstError == nil { firstError = mapped }
        settle(failing: mapped)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(failing: firstError ?? SFTPError(.connectionClosed, "the server closed the connection during the SSH handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A connect that fails never activates the channel, so channelInactive never comes: settle here too.
        settle(failing: firstError ?? SFTPError(.connectionClosed, "the connection closed before authentication"))
    }

    /// Gives up waiting (the caller's deadline passed).
    func timeOut(_ error: SFTPError) {
        if firstError == nil { firstError = error }
        settle(failing: error)
    }

    private func settle(failing error: SFTPError) {
        guard !settled else { return }
        settled = true
        authenticated.fail(error)
    }
}
