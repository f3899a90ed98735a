import NIOCore

/// Hands each datagram to the transport layer.
final class UDPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let transport: SIPTransportLayer
    private let sender: UDPDatagramSender

    init(transport: SIPTransportLayer, sender: UDPDatagramSender) {
        self.transport = transport
        self.sender = sender
    }

    // NIO fires this right after closing the descriptor, before anything else runs on the loop.
    func channelInactive(context: ChannelHandlerContext) {
        sender.markClosed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        transport.receive(envelope.data, from: SIPSource(transport: .udp, remote: envelope.remoteAddress, connection: nil))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and friends surface here; a UDP socket stays usable.
    }
}

/// Hands each framed TCP message to the transport layer; closes the connection on framing errors.
final class TCPFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let transport: SIPTransportLayer
    private let connection: SIPConnectionID
    private var remote: SocketAddress?

    init(transport: SIPTransportLayer, connection: SIPConnectionID) {
        self.transport = transport
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        remote = context.remoteAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let remote = remote ?? context.remoteAddress else { return }
        transport.receive(unwrapInboundIn(data), from: SIPSource(transport: .tcp, remote: remote, connection: connection))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transport.framingFailed(on: connection, error: error)
    }
}
