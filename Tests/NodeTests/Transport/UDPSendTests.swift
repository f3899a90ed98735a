import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPTransport
import Testing

/// The UDP transport sends straight to its socket's descriptor. A datagram the kernel refuses fails alone and is
/// reported; the socket stays open and every other reply goes out. (Through NIO's write path the refused send
/// closed the channel: one reply of 40 arrived and the node stopped serving.)
@Suite struct UDPSendTests {
    /// Echoes every request back to its source; during the burst it also sends to a destination the kernel
    /// refuses (broadcast without SO_BROADCAST), whose failure must still reach the delegate.
    // @unchecked Sendable: used only on the transport's event loop (the test reads it through `loop.submit`).
    final class EchoDelegate: SIPTransportDelegate, @unchecked Sendable {
        let transport: SIPTransportLayer
        let refused: SIPDestination?
        var failures = 0

        init(transport: SIPTransportLayer, refused: SIPDestination?) {
            self.transport = transport
            self.refused = refused
        }

        func transportReceived(_ message: SIPMessage, from source: SIPSource) {
            transport.send(message, to: source.replyDestination)
            if let refused { transport.send(message, to: refused) }
        }

        func transportReceivedMalformed(_ bytes: ByteBuffer, error: SIPParseError, from source: SIPSource) {}

        func transportFailedToSend(to destination: SIPDestination, error: any Error) { failures += 1 }
    }

    /// Collects the datagrams a client socket receives.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received = NIOLockedValueBox<[String]>([])
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data).data)
            received.withLockedValue { $0.append(text) }
        }
    }

    static func options(_ number: Int) -> String {
        [
            "OPTIONS sip:burst@127.0.0.1 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-burst-\(number)",
            "From: <sip:c@127.0.0.1>;tag=t\(number)",
            "To: <sip:burst@127.0.0.1>",
            "Call-ID: burst-\(number)",
            "CSeq: 1 OPTIONS",
            "Max-Forwards: 70",
            "Content-Length: 0",
            "", "",
        ].joined(separator: "\r\n")
    }

    @Test(arguments: [false, true])
    func everyReplyGoesOut(withARefusedSend: Bool) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let transport = SIPTransportLayer(eventLoop: loop, limits: SIPParserLimits(), logger: Logger(label: "test"))
        let refused = try SIPDestination(transport: .udp, address: SocketAddress(ipAddress: "255.255.255.255", port: 9))
        let delegate = EchoDelegate(transport: transport, refused: withARefusedSend ? refused : nil)
        try await loop.submit { transport.delegate = delegate }.get()
        let server = try await transport.listenUDP(host: "127.0.0.1", port: 0).get()

        let collector = Collector()
        let client = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .bind(host: "127.0.0.1", port: 0).get()

        // Hold the transport's loop so that all datagrams wait in the socket and are read in bursts.
        let count = 40
        let held = loop.submit { Thread.sleep(forTimeInterval: 0.2) }
        for number in 0..<count {
            let bytes = client.allocator.buffer(string: Self.options(number))
            client.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: bytes), promise: nil)
        }
        try await held.get()

        let deadline = ContinuousClock.now + .seconds(5)
        while collector.received.withLockedValue({ $0.count }) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let replies = collector.received.withLockedValue { $0 }
        #expect(replies.count == count)
        #expect(Set(replies.compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("Call-ID:") } }).count == count)
        let (sent, failures) = try await loop.submit { (transport.counters.sent, delegate.failures) }.get()
        #expect(sent == UInt64(withARefusedSend ? 2 * count : count))
        #expect(failures == (withARefusedSend ? count : 0))

        try await transport.close().get()
        try await client.close()
        try await group.shutdownGracefully()
    }
}
