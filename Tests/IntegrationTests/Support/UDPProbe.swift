import NIOCore
import NIOPosix
import Synchronization

/// A UDP socket on 127.0.0.1 that sends raw datagrams and keeps every datagram it receives.
final class UDPProbe: Sendable {
    let port: Int
    private let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox, port: Int) {
        self.channel = channel
        self.inbox = inbox
        self.port = port
    }

    /// Binds to `port` on 127.0.0.1 (0 = any free port). No SO_REUSEADDR: a probe that holds
    /// a port must keep the node off it.
    static func bind(port: Int = 0) async throws -> UDPProbe {
        let inbox = Inbox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw HarnessError("UDP probe has no local port")
        }
        return UDPProbe(channel: channel, inbox: inbox, port: bound)
    }

    func send(_ bytes: [UInt8], toPort port: Int) async throws {
        try await channel.writeAndFlush(envelope(bytes, port: port))
    }

    func send(_ text: String, toPort port: Int) async throws {
        try await send(Array(text.utf8), toPort: port)
    }

    /// Writes many datagrams with one flush; the returned future is the last write's.
    func sendBatch(_ datagrams: [[UInt8]], toPort port: Int) async throws {
        guard !datagrams.isEmpty else { return }
        let envelopes = try datagrams.map { try envelope($0, port: port) }
        let last = channel.eventLoop.flatSubmit { [channel] in
            var future: EventLoopFuture<Void> = channel.eventLoop.makeSucceededVoidFuture()
            for item in envelopes {
                future = channel.write(item)
            }
            channel.flush()
            return future
        }
        // A datagram the kernel refuses (too large, buffer full) is part of what is being tested.
        try? await last.get()
    }

    /// Everything received so far, decoded as UTF-8 (lossy).
    var received: [String] {
        inbox.messages.withLock { $0 }
    }

    /// Waits until a received datagram satisfies `match`, or the timeout passes.
    func waitFor(timeout: Duration, _ match: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        repeat {
            if let found = received.first(where: match) {
                return found
            }
            try? await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return received.first(where: match)
    }

    func close() async {
        try? await channel.close()
    }

    private func envelope(_ bytes: [UInt8], port: Int) throws -> AddressedEnvelope<ByteBuffer> {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        return AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))
    }
}

private final class Inbox: Sendable {
    let messages = Mutex<[String]>([])
}

private final class InboxHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let text = String(decoding: envelope.data.readableBytesView, as: UTF8.self)
        inbox.messages.withLock { $0.append(text) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port-unreachable shows up as a read error on UDP; the socket stays usable.
    }
}
