import Logging
import NIOCore

/// An originating carrier for `sipswarm demo`: a SIP UAC on a loopback UDP port that places
/// calls at a steady rate, holds the answered ones and hangs up, cancelling some after ringing.
final class SimulatedCustomer: Sendable {
    /// What to call, how often and how.
    struct Configuration: Sendable, Hashable {
        /// Name for logs.
        var name: String
        var host: String
        /// 0 binds an ephemeral port; see ``SimulatedCustomer/port``.
        var port: Int
        /// Where every request goes: the node (or, in tests, a provider directly).
        var targetHost: String
        var targetPort: Int
        /// Calls to place.
        var calls: Int
        /// New calls per second.
        var rate: Double
        /// Time between the ACK and the BYE of an answered call.
        var holdTime: Duration
        /// Cancels every Nth call (the Nth, 2Nth, ...) after its first 18x.
        var cancelEvery: Int?
        /// Dialed numbers are this prefix plus seven digits, one number per call.
        var dialedPrefix: String
        /// The caller's number (From user part).
        var callingNumber: String
        /// The whole run ends by then; unfinished calls count as failed. Nil: long enough for
        /// the placing, the holding and one full transaction timeout.
        var deadline: Duration?
        var timers: SimulatedSIPTimers

        init(
            name: String = "customer",
            host: String = "127.0.0.1",
            port: Int = 0,
            targetHost: String,
            targetPort: Int,
            calls: Int,
            rate: Double = 50,
            holdTime: Duration = .milliseconds(200),
            cancelEvery: Int? = nil,
            dialedPrefix: String = "+4930",
            callingNumber: String = "+4989123456",
            deadline: Duration? = nil,
            timers: SimulatedSIPTimers = .rfc3261
        ) {
            precondition(calls >= 0, "calls must not be negative")
            precondition(rate > 0, "rate must be positive")
            precondition(cancelEvery.map { $0 > 0 } ?? true, "cancelEvery must be positive")
            self.name = name
            self.host = host
            self.port = port
            self.targetHost = targetHost
            self.targetPort = targetPort
            self.calls = calls
            self.rate = rate
            self.holdTime = holdTime
            self.cancelEvery = cancelEvery
            self.dialedPrefix = dialedPrefix
            self.callingNumber = callingNumber
            self.deadline = deadline
            self.timers = timers
        }

        /// `deadline`, or the default derived from the other settings.
        var effectiveDeadline: Duration {
            if let deadline { return deadline }
            return .seconds(Double(calls) / rate) + holdTime + timers.transactionTimeout * 2 + .seconds(5)
        }

        /// The dialed number of call `index`.
        func dialedNumber(_ index: Int) -> String {
            dialedPrefix + String(2_000_000 + index % 8_000_000)
        }

        /// Whether call `index` is to be cancelled after ringing.
        func cancelPlanned(_ index: Int) -> Bool {
            guard let cancelEvery else { return false }
            return (index + 1) % cancelEvery == 0
        }
    }

    /// Progress so far.
    struct Counters: Sendable, Hashable {
        /// INVITEs sent (first transmissions).
        var placed = 0
        /// Calls that got at least one 18x.
        var ringing = 0
        /// Calls that got a 200 OK to the INVITE.
        var answered = 0
        var completed = 0
        var rejected = 0
        var cancelled = 0
        var failed = 0
        /// Requests sent again after T1, 2·T1, ... without a response.
        var retransmissions = 0
        /// BYEs received from the far end (it hung up first).
        var byesReceived = 0
        /// Datagrams that did not parse, and responses matching no call.
        var malformed = 0
        var stray = 0
    }

    let configuration: Configuration
    /// The bound UDP port.
    let port: Int
    private let channel: any Channel
    private let counterBox: SimulatedCounterBox<Counters>

    /// Progress so far; safe to read from any thread while `run()` is going.
    var counters: Counters { counterBox.snapshot }

    private init(configuration: Configuration, port: Int, channel: any Channel, counterBox: SimulatedCounterBox<Counters>) {
        self.configuration = configuration
        self.port = port
        self.channel = channel
        self.counterBox = counterBox
    }

    /// Binds the customer's socket on one loop of `group`; calls start with ``run()``.
    static func start(
        configuration: Configuration,
        group: any EventLoopGroup,
        logger: Logger = Logger(label: "sipswarm.demo.customer")
    ) async throws -> SimulatedCustomer {
        var logger = logger
        logger[metadataKey: "customer"] = "\(configuration.name)"
        let target = try SocketAddress.makeAddressResolvingHost(configuration.targetHost, port: configuration.targetPort)
        let counterBox = SimulatedCounterBox(Counters())
        let channel = try await SimulatedCarrierSocket.bind(
            host: configuration.host, port: configuration.port, on: group.next()
        ) { [logger] in
            SimulatedCustomerHandler(configuration: configuration, target: target, counters: counterBox, logger: logger)
        }
        guard let port = channel.localAddress?.port else {
            try? await SimulatedCarrierSocket.close(channel)
            throw ChannelError.unknownLocalAddress
        }
        return SimulatedCustomer(configuration: configuration, port: port, channel: channel, counterBox: counterBox)
    }

    /// Places all calls and returns when every one has an outcome, or when the deadline passes
    /// (unfinished calls then count as failed). Call it once.
    func run() async throws -> CustomerReport {
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit {
            do {
                return try channel.pipeline.syncOperations.handler(type: SimulatedCustomerHandler.self).run()
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    /// Closes the socket; a run still going fails with `closedBeforeFinish`.
    func stop() async throws {
        try await SimulatedCarrierSocket.close(channel)
    }
}
