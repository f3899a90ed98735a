import NIOCore
import NIOPosix
import Synchronization

/// An HTTP CONNECT proxy on 127.0.0.1 that tunnels every CONNECT, whatever host it names, to one local port. It
/// stands in for the DNS that resolves `<bucket>.s3.<region>.amazonaws.com`: this machine resolves only `localhost`,
/// so a virtual-hosted URL (`http://<bucket>.localhost:<port>/key`) reaches moto through it, Host header untouched.
final class ConnectTunnel: Sendable {
    let port: Int
    private let channel: any Channel
    private let requested: ConnectLog

    init(port: Int, upstreamPort: Int) async throws {
        self.port = port
        let requested = ConnectLog()
        self.requested = requested
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let handler = ConnectHandler(upstreamPort: upstreamPort) { authority in requested.entries.withLock { $0.append(authority) } }
                    try child.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    /// The `host:port` of every CONNECT so far.
    var authorities: [String] { requested.entries.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }

    private final class ConnectLog: Sendable {
        let entries = Mutex<[String]>([])
    }

    // Reads the CONNECT head, dials the upstream, answers 200 and from then on only relays bytes.
    private final class ConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer

        private let upstreamPort: Int
        private let onConnect: @Sendable (String) -> Void
        private var head: [UInt8] = []
        private var dialing = false

        init(upstreamPort: Int, onConnect: @escaping @Sendable (String) -> Void) {
            self.upstreamPort = upstreamPort
            self.onConnect = onConnect
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            head += buffer.readBytes(length: buffer.readableBytes) ?? []
            guard !dialing, let end = head.indices.dropLast(3).first(where: { head[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) else { return }
            dialing = true
            let requestLine = String(decoding: head[..<end], as: UTF8.self).split(separator: "\r\n").first ?? ""
            let parts = requestLine.split(separator: " ")
            guard parts.count == 3, parts[0] == "CONNECT" else {
                context.close(promise: nil)
                return
            }
            onConnect(String(parts[1]))
            let client = context.channel
            let dialed = ClientBootstrap(group: context.eventLoop)
                .channelInitializer { upstream in
                    upstream.eventLoop.makeCompletedFuture { try upstream.pipeline.syncOperations.addHandler(Relay(partner: client)) }
                }
                .connect(host: "127.0.0.1", port: upstreamPort)
            dialed.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let upstream):
                    do {
                        try context.pipeline.syncOperations.addHandler(Relay(partner: upstream))
                        context.pipeline.syncOperations.removeHandler(self, promise: nil)
                        client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 Connection Established\r\n\r\n"), promise: nil)
                    } catch {
                        context.close(promise: nil)
                    }
                case .failure:
                    context.close(promise: nil)
                }
            }
        }
    }

    // One direction of the tunnel: what arrives here is written to the partner; either side closing closes both.
    private final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let partner: any Channel

        init(partner: any Channel) {
            self.partner = partner
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
