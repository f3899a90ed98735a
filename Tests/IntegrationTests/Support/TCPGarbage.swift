import NIOCore
import NIOPosix

/// Opens TCP connections to a port, writes bytes and closes, ignoring whatever comes back.
enum TCPGarbage {
    /// Sends `payload` on a fresh connection; closes right after writing when `closeAbruptly`,
    /// else waits `linger` for the peer to answer or close first.
    static func send(_ payload: [UInt8], toPort port: Int, closeAbruptly: Bool, linger: Duration) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DiscardHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try? await channel.writeAndFlush(ByteBuffer(bytes: payload))
        if !closeAbruptly {
            try? await Task.sleep(for: linger)
        }
        try? await channel.close()
    }
}

private final class DiscardHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset from the node on a garbage stream is an acceptable answer.
        context.close(promise: nil)
    }
}
