internal import NIOCore
internal import NIOSSH

/// Drives one `sftp` subsystem on an SSH session channel: requests the subsystem, exchanges INIT/VERSION, then
/// numbers outgoing requests and hands each answer to the promise of the request with the same id.
///
/// Any protocol violation, timeout or close fails every outstanding request and closes the channel: after that the
/// byte stream cannot be trusted to line up with request ids again.
final class SFTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SFTPMessage
    typealias OutboundIn = Command
    typealias OutboundOut = ByteBuffer

    /// One request and where its answer goes.
    struct Command: Sendable {
        var request: SFTPRequest
        var promise: EventLoopPromise<SFTPResponse>
    }

    private enum State {
        case idle
        case awaitingSubsystem
        case awaitingVersion
        case ready
        case failed(SFTPError)
    }

    private struct Pending {
        var promise: EventLoopPromise<SFTPResponse>
        var timeout: Scheduled<Void>
    }

    private var state = State.idle
    private let ready: EventLoopPromise<[SFTPExtension]>
    private let requestTimeout: TimeAmount
    private var nextID: UInt32 = 1
    private var pending: [UInt32: Pending] = [:]
    private var startupTimeout: Scheduled<Void>?

    /// - Parameter ready: succeeded with the server's extensions once VERSION arrives, failed if the session never gets there.
    init(ready: EventLoopPromise<[SFTPExtension]>, requestTimeout: TimeAmount) {
        self.ready = ready
        self.requestTimeout = requestTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        state = .awaitingSubsystem
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        startupTimeout = context.eventLoop.scheduleTask(in: requestTimeout) {
            let (handler, context) = loopBound.value
            handler.fail(context: context, SFTPError(.timeout, "no SFTP VERSION within \(handler.requestTimeout)"))
        }
        let request = SSHChannelRequestEvent.SubsystemRequest(subsystem: "sftp", wantReply: true)
        context.triggerUserOutboundEvent(request).assumeIsolated().whenFailure { error in
            let (handler, context) = loopBound.value
            handler.fail(context: context, SFTPError.from(error, during: "sftp subsystem request"))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .awaitingSubsystem = state else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch event {
        case is ChannelSuccessEvent:
            state = .awaitingVersion
            var buffer = context.channel.allocator.buffer(capacity: 9)
            SFTPMessage.initialize(version: 3, extensions: []).write(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case is ChannelFailureEvent:
            fail(context: context, SFTPError(.subsystemRefused, "the server refused the sftp subsystem"))
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch (state, message) {
        case (.awaitingVersion, .version(let version, let extensions)):
            guard version == 3 else {
                fail(context: context, SFTPError(.unsupportedVersion, "server speaks SFTP version \(version), not 3"))
                return
            }
            state = .ready
            startupTimeout?.cancel()
            startupTimeout = nil
            ready.succeed(extensions)
        case (.ready, .response(let id, let response)):
            guard let entry = pending.removeValue(forKey: id) else {
                fail(context: context, SFTPError(.unexpectedResponse, "answer for unknown request id \(id)"))
                return
            }
            entry.timeout.cancel()
            entry.promise.succeed(response)
        case (.failed, _):
            return
        case (.idle, _), (.awaitingSubsystem, _), (.awaitingVersion, _), (.ready, _):
            fail(context: context, SFTPError(.unexpectedResponse, "unexpected \(Self.name(of: message)) from the server"))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        switch state {
        case .ready:
            break
        case .failed(let error):
            command.promise.fail(error)
            promise?.fail(error)
            return
        case .idle, .awaitingSubsystem, .awaitingVersion:
            let error = SFTPError(.unexpectedResponse, "request sent before the SFTP session was ready")
            command.promise.fail(error)
            promise?.fail(error)
            return
        }
        let id = takeID()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timeout = context.eventLoop.scheduleTask(in: requestTimeout) {
            let (handler, context) = loopBound.value
            handler.fail(context: context, SFTPError(.timeout, "no answer to request \(id) within \(handler.requestTimeout)"))
        }
        pending[id] = Pending(promise: command.promise, timeout: timeout)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        SFTPMessage.request(id: id, command.request).write(into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Nothing may wait on a promise after the handler is gone.
        fail(context: context, SFTPError(.connectionClosed, "the SFTP channel was torn down"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, SFTPError.from(error, during: "sftp session"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, SFTPError(.connectionClosed, "the SFTP channel closed"))
        context.fireChannelInactive()
    }

    private func takeID() -> UInt32 {
        // Ids wrap after 4 billion requests; skip any still in flight so two promises never share one.
        while pending[nextID] != nil { nextID &+= 1 }
        defer { nextID &+= 1 }
        return nextID
    }

    private func fail(context: ChannelHandlerContext, _ error: SFTPError) {
        switch state {
        case .failed:
            return
        case .ready:
            break
        case .idle, .awaitingSubsystem, .awaitingVersion:
            ready.fail(error)
        }
        state = .failed(error)
        startupTimeout?.cancel()
        startupTimeout = nil
        let outstanding = pending
        pending.removeAll()
        for entry in outstanding.values {
            entry.timeout.cancel()
            entry.promise.fail(error)
        }
        context.close(promise: nil)
    }

    private static func name(of message: SFTPMessage) -> String {
        switch message {
        case .initialize: "INIT"
        case .version: "VERSION"
        case .request: "request"
        case .response(let id, _): "answer to request \(id)"
        }
    }
}
