import NIOCore

/// In front of the HTTP decoder: bounds the bytes one request may send (head and body together). Past the bound the
/// client gets `413` and the connection is closed, so a peer cannot make the endpoint buffer without limit.
///
/// The HTTP handler calls ``requestCompleted()`` when a request ends; bytes of a pipelined next request that arrived
/// before then are forgiven, which at most doubles the bound.
final class RequestSizeLimiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let refusal = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    private let limit: Int
    private var received = 0
    private var refused = false

    init(limit: Int) {
        self.limit = limit
    }

    func requestCompleted() {
        received = 0
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        received += unwrapInboundIn(data).readableBytes
        guard received <= limit else {
            refused = true
            // Written from the front of the pipeline: it goes to the socket as is, not through the HTTP encoder after us.
            let reply = context.channel.allocator.buffer(string: Self.refusal)
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
    }
}
