import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection of the metrics endpoint, after NIO's decoder: answers each complete request with
/// ``MetricsHTTPRoute``, keeps the connection when the request allows it (scrapers reuse theirs), closes it otherwise,
/// on an idle timeout and on any error.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let path: String
    private let registry: NodeMetricsRegistry
    private let sizeLimiter: RequestSizeLimiter
    private var head: HTTPRequestHead?

    init(path: String, registry: NodeMetricsRegistry, sizeLimiter: RequestSizeLimiter) {
        self.path = path
        self.registry = registry
        self.sizeLimiter = sizeLimiter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            // A body means nothing to this endpoint; its size is bounded by the limiter in front of the decoder.
            break
        case .end:
            guard let head else { return }
            self.head = nil
            sizeLimiter.requestCompleted()
            respond(context: context, to: head)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(context: ChannelHandlerContext, to head: HTTPRequestHead) {
        let registry = self.registry
        let answer = MetricsHTTPRoute.answer(method: head.method, uri: head.uri, path: path) { registry.exposition() }
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: String(answer.body.count))
        for (name, value) in answer.extraHeaders {
            headers.add(name: name, value: value)
        }
        // HTTP/1.1 keeps by default and HTTP/1.0 closes by default: say so whenever the answer differs.
        if !keepAlive, head.version.major == 1, head.version.minor >= 1 {
            headers.add(name: "Connection", value: "close")
        } else if keepAlive, head.version.major == 1, head.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: answer.status, headers: headers))), promise: nil)
        if answer.sendsBody, !answer.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: answer.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
