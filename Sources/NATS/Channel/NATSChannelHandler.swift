import NIOCore
import NIOSSL

/// Hands decoded server operations of one connection to its client; reports the connection's end.
///
/// One handler per channel, tagged with the connection id, so events of an old channel are ignored.
final class NATSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = NATSServerMessage

    private let client: NATSClient
    private let connectionID: UInt64
    /// The first error seen; it is what the client is told when the channel goes inactive.
    private var closeReason: NATSError?

    init(client: NATSClient, connectionID: UInt64) {
        self.client = client
        self.connectionID = connectionID
    }

    func channelActive(context: ChannelHandlerContext) {
        self.client.channelActive(self.connectionID, channel: context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.client.connectionLost(
            self.connectionID, self.closeReason ?? NATSError(.disconnected, reason: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.client.received(self.unwrapInboundIn(data), on: self.connectionID)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason: NATSError
        switch error {
        case let protocolError as NATSProtocolError:
            reason = NATSError(.protocolViolation, reason: "\(protocolError.code): \(protocolError.reason)")
        case let tlsError as NIOSSLError:
            reason = NATSError(.tlsFailure, reason: "TLS: \(tlsError)")
        case let tlsError as BoringSSLError:
            reason = NATSError(.tlsFailure, reason: "TLS: \(tlsError)")
        default:
            reason = NATSError(.disconnected, reason: "connection error: \(error)")
        }
        if self.closeReason == nil { self.closeReason = reason }
        self.client.fail(self.connectionID, reason)
        // The decoder cannot continue after garbage; close even if the machine already moved on.
        context.close(promise: nil)
    }
}
