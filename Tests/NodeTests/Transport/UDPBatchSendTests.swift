import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPTransport
import Testing

/// The UDP transport queues a loop tick's datagrams and writes them with one `sendmmsg` (8 at most before it
/// writes without waiting, 64 a system call). Every datagram still leaves, in order; one the kernel refuses fails
/// alone; and `whenSent` runs only once the datagrams queued before it are written.
@Suite struct UDPBatchSendTests {
    // @unchecked Sendable: used only on the transport's event loop (the test reads it through `loop.submit`).
    final class FailureCounter: SIPTransportDelegate, @unchecked Sendable {
        var failures: [String] = []
        func transportReceived(_ message: SIPMessage, from source: SIPSource) {}
        func transportReceivedMalformed(_ bytes: ByteBuffer, error: SIPParseError, from source: SIPSource) {}
        func transportFailedToSend(to destination: SIPDestination, error: any Error) {
            failures.append(destination.addressText)
        }
    }

    struct Fixture {
        let group: MultiThreadedEventLoopGroup
        let loop: any EventLoop
        let transport: SIPTransportLayer
        let delegate: FailureCounter
        let client: any Channel
        let collector: UDPSendTests.Collector
        let clientDestination: SIPDestination

        init() async throws {
            group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            loop = group.next()
            transport = SIPTransportLayer(eventLoop: loop, limits: SIPParserLimits(), logger: Logger(label: "test"))
            delegate = FailureCounter()
            try await loop.submit { [transport, delegate] in transport.delegate = delegate }.get()
            _ = try await transport.listenUDP(host: "127.0.0.1", port: 0).get()
            let collector = UDPSendTests.Collector()
            self.collector = collector
            client = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            guard let address = client.localAddress else { throw ChannelError.unknownLocalAddress }
            clientDestination = SIPDestination(transport: .udp, address: address)
        }

        func received(atLeast count: Int) async throws -> [String] {
            let deadline = ContinuousClock.now + .seconds(5)
            while collector.received.withLockedValue({ $0.count }) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            return collector.received.withLockedValue { $0 }
        }

        func close() async throws {
            try await transport.close().get()
            try await client.close()
            try await group.shutdownGracefully()
        }
    }

    @Test func aTicksDatagramsAllLeaveInOrderAndARefusedOneFailsAlone() async throws {
        let fixture = try await Fixture()
        let refused = try SIPDestination(transport: .udp, address: SocketAddress(ipAddress: "255.255.255.255", port: 9))
        // 150 in one tick: many batches (8 each), with refused datagrams first, in the middle and last in a batch.
        let count = 150
        let refusedAt: Set<Int> = [0, 17, 63, 64, 100]
        try await fixture.loop.submit { [transport = fixture.transport, destination = fixture.clientDestination] in
            for number in 0..<count {
                if refusedAt.contains(number) { transport.send(ByteBuffer(string: "refused \(number)"), to: refused) }
                transport.send(ByteBuffer(string: UDPSendTests.options(number)), to: destination)
            }
        }.get()

        let replies = try await fixture.received(atLeast: count)
        let callIDs = replies.compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("Call-ID:") }.map(String.init) }
        #expect(callIDs == (0..<count).map { "Call-ID: burst-\($0)" })
        let (failures, sent) = try await fixture.loop.submit { [transport = fixture.transport, delegate = fixture.delegate] in
            (delegate.failures, transport.counters.sent)
        }.get()
        #expect(failures == Array(repeating: refused.addressText, count: refusedAt.count))
        #expect(sent == UInt64(count + refusedAt.count))
        try await fixture.close()
    }

    @Test func whenSentWaitsForTheQueuedDatagramsAndRunsAtOnceWhenNoneWait() async throws {
        let fixture = try await Fixture()
        let ranEarly = try await fixture.loop.submit { [transport = fixture.transport, destination = fixture.clientDestination] in
            var immediately = false
            transport.whenSent { immediately = true }  // nothing queued: runs now
            let idle = immediately
            var afterQueued = false
            transport.send(ByteBuffer(string: UDPSendTests.options(1)), to: destination)
            transport.whenSent { afterQueued = true }
            let stillQueued = !afterQueued
            return (idle, stillQueued)
        }.get()
        #expect(ranEarly.0, "with nothing queued, whenSent runs at once")
        #expect(ranEarly.1, "with a datagram queued, whenSent waits for the flush")

        // The flush runs later in the same loop's turn; the hook then runs, and the datagram arrives.
        let ran = NIOLockedValueBox(false)
        try await fixture.loop.submit { [transport = fixture.transport, destination = fixture.clientDestination] in
            transport.send(ByteBuffer(string: UDPSendTests.options(2)), to: destination)
            transport.whenSent { ran.withLockedValue { $0 = true } }
        }.get()
        try await fixture.loop.submit {}.get()
        #expect(ran.withLockedValue { $0 })
        #expect(try await fixture.received(atLeast: 2).count == 2)
        try await fixture.close()
    }
}
