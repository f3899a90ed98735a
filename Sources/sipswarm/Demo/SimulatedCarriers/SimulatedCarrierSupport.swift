import NIOCore
import NIOPosix
import SIPCore
import Synchronization

/// RFC 3261 §17 retransmission timers used by the simulated carriers over UDP.
struct SimulatedSIPTimers: Sendable, Hashable {
    /// Round-trip estimate; the first retransmission interval.
    var t1: Duration
    /// Cap on the retransmission interval of non-INVITE requests and of final responses.
    var t2: Duration

    init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4)) {
        self.t1 = t1
        self.t2 = t2
    }

    /// RFC 3261 defaults: T1 = 500 ms, T2 = 4 s.
    static let rfc3261 = SimulatedSIPTimers()

    /// Timers B, F and H: 64 × T1 (32 s with the defaults).
    var transactionTimeout: Duration { t1 * 64 }

    var t1Amount: TimeAmount { TimeAmount(t1) }
    var t2Amount: TimeAmount { TimeAmount(t2) }
    var transactionTimeoutAmount: TimeAmount { TimeAmount(transactionTimeout) }
}

/// Random identifiers for tags, branches and Call-IDs.
enum SimulatedIdentifiers {
    /// 16 lower-case hex digits.
    static func token() -> String {
        let value = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - value.utf8.count) + value
    }

    /// A Via branch with the RFC 3261 magic cookie.
    static func branch() -> String { SIPVia.magicCookie + token() }

    static func callID(host: String) -> String { token() + token() + "@" + host }
}

/// The SDP bodies the simulated carriers exchange; nobody sends media.
enum SimulatedSDP {
    static let contentType = "application/sdp"

    static func offer(host: String) -> String {
        """
        v=0\r
        o=customer 1 1 IN IP4 \(host)\r
        s=sipswarm demo\r
        c=IN IP4 \(host)\r
        t=0 0\r
        m=audio 40000 RTP/AVP 0 8 101\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=sendrecv\r

        """
    }

    static func answer(host: String) -> String {
        """
        v=0\r
        o=provider 1 1 IN IP4 \(host)\r
        s=sipswarm demo\r
        c=IN IP4 \(host)\r
        t=0 0\r
        m=audio 50000 RTP/AVP 0 101\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=sendrecv\r

        """
    }
}

/// Counters a simulated carrier updates on its event loop and anyone may read.
final class SimulatedCounterBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ initial: Value) { mutex = Mutex(initial) }

    /// A consistent copy of all counters.
    var snapshot: Value { mutex.withLock { $0 } }

    func update(_ body: (inout Value) -> Void) {
        mutex.withLock { body(&$0) }
    }
}

/// Binding the UDP socket of a simulated carrier.
enum SimulatedCarrierSocket {
    /// The largest datagram a simulated carrier reads (the parser's own limit).
    static let maxDatagramBytes = SIPParserLimits.default.maxMessageBytes

    /// Binds `host:port` (port 0 = ephemeral) on `eventLoop` with the handler made by `makeHandler`.
    static func bind<Handler: ChannelInboundHandler>(
        host: String,
        port: Int,
        on eventLoop: any EventLoop,
        makeHandler: @escaping @Sendable () -> Handler
    ) async throws -> any Channel {
        try await DatagramBootstrap(group: eventLoop)
            // No SO_REUSEADDR: on UDP it would let two sockets share a port; a taken port must fail.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: maxDatagramBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// Closes the channel; closing one that is already closed is not an error.
    static func close(_ channel: any Channel) async throws {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {
            return
        }
    }
}

/// Why a simulated carrier could not do what it was asked. Compare `code`s.
struct SimulatedCarrierError: Error, Hashable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        var description: String { name }

        /// `run()` was called a second time.
        static let alreadyRunning = Code("alreadyRunning")
        /// The socket closed before the run finished.
        static let closedBeforeFinish = Code("closedBeforeFinish")
    }

    let code: Code
    let reason: String
    let file: String
    let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    var description: String { "SimulatedCarrierError.\(code): \(reason)" }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// RFC 3261 retransmission of one request or final response over UDP: T1 doubling, capped at
/// T2 unless it is an INVITE, until `timeoutAt` (64 × T1 after the first send). Times are
/// absolute, so a late timer does not push the later retransmissions back.
struct SimulatedRetransmission {
    private var interval: TimeAmount
    /// When the next copy is due.
    private var nextAt: NIODeadline
    let timeoutAt: NIODeadline
    private let capped: Bool

    init(timers: SimulatedSIPTimers, cappedAtT2: Bool, now: NIODeadline = .now()) {
        interval = timers.t1Amount
        nextAt = now + timers.t1Amount
        timeoutAt = now + timers.transactionTimeoutAmount
        capped = cappedAtT2
    }

    /// When the timer fires next: the next retransmission, or the timeout if that comes first.
    var nextFire: NIODeadline { Swift.min(nextAt, timeoutAt) }

    /// Whether the timer that just fired was the timeout rather than a retransmission.
    var isTimeout: Bool { nextAt >= timeoutAt }

    /// Records a retransmission and schedules the next one at double the interval.
    mutating func retransmitted(t2: TimeAmount) {
        interval = capped ? Swift.min(interval * 2, t2) : interval * 2
        nextAt = nextAt + interval
    }
}
