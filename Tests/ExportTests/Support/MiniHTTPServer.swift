import Foundation
import NIOCore
import NIOPosix

/// One parsed HTTP/1.1 request.
struct MiniRequest: Sendable {
    var method: String
    /// The request target: path and query as sent.
    var target: String
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var path: String { String(target.prefix { $0 != "?" }) }
    var query: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...]
    }
}

struct MiniResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
}

/// A minimal HTTP/1.1 server on 127.0.0.1 for peers nothing installable provides (Azure Blob, an OAuth2 token
/// endpoint): one request per connection, answered by `handler`, then the connection closes. ExportTests has no
/// NIOHTTP1, so requests are parsed here: request line, headers, a Content-Length body.
final class MiniHTTPServer: Sendable {
    let port: Int
    private let channel: any Channel

    init(port: Int, handler: @escaping @Sendable (MiniRequest) -> MiniResponse) async throws {
        self.port = port
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(RequestHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    func stop() async {
        try? await channel.close()
    }

    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let handler: @Sendable (MiniRequest) -> MiniResponse
        private var received: [UInt8] = []
        private var answered = false

        init(handler: @escaping @Sendable (MiniRequest) -> MiniResponse) {
            self.handler = handler
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received += buffer.readBytes(length: buffer.readableBytes) ?? []
            guard !answered, let request = Self.parse(received) else { return }
            answered = true
            let response = handler(request)
            var head = "HTTP/1.1 \(response.status) X\r\n"
            var headers = response.headers
            if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
                headers.append(("Content-Length", String(response.body.count)))
            }
            headers.append(("Connection", "close"))
            for (name, value) in headers {
                head += "\(name): \(value)\r\n"
            }
            head += "\r\n"
            var out = context.channel.allocator.buffer(capacity: head.utf8.count + response.body.count)
            out.writeString(head)
            if request.method != "HEAD" { out.writeBytes(response.body) }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
        }

        static func parse(_ bytes: [UInt8]) -> MiniRequest? {
            let separator: [UInt8] = [13, 10, 13, 10]
            guard let end = (0...(max(0, bytes.count - 4))).first(where: { bytes.count >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else {
                return nil
            }
            let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let requestLine = lines[0].split(separator: " ")
            guard requestLine.count >= 2 else { return nil }
            var headers: [(String, String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            let bodyStart = end + 4
            guard bytes.count >= bodyStart + length else { return nil }
            return MiniRequest(
                method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
                body: Array(bytes[bodyStart..<bodyStart + length])
            )
        }
    }
}
