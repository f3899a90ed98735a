import Logging
import NIOCore

/// A terminating carrier for `sipswarm demo`: a SIP UAS on a loopback UDP port that rings,
/// answers, rejects and cancels as configured.
final class SimulatedProvider: Sendable {
    /// How the provider treats INVITEs.
    struct Configuration: Sendable, Hashable {
        /// Name for logs.
        var name: String
        var host: String
        /// 0 binds an ephemeral port; see ``SimulatedProvider/port``.
        var port: Int
        /// Time between 180 Ringing and 200 OK.
        var answerDelay: Duration
        /// Rejects every Nth new INVITE (the Nth, 2Nth, ...) with 503 Service Unavailable.
        var rejectEvery: Int?
        /// Rejects every INVITE with this final status code (≥ 300); wins over `rejectEvery`.
        var rejectAll: Int?
        var timers: SimulatedSIPTimers

        init(
            name: String = "provider",
            host: String = "127.0.0.1",
            port: Int = 0,
            answerDelay: Duration = .milliseconds(100),
            rejectEvery: Int? = nil,
            rejectAll: Int? = nil,
            timers: SimulatedSIPTimers = .rfc3261
        ) {
            precondition(rejectEvery.map { $0 > 0 } ?? true, "rejectEvery must be positive")
            precondition(rejectAll.map { (300...699).contains($0) } ?? true, "rejectAll must be a final non-2xx status")
            self.name = name
            self.host = host
            self.port = port
            self.answerDelay = answerDelay
            self.rejectEvery = rejectEvery
            self.rejectAll = rejectAll
            self.timers = timers
        }
    }

    /// What the provider has seen and done so far.
    struct Counters: Sendable, Hashable {
        /// New INVITEs (retransmissions not counted).
        var invites = 0
        /// INVITEs answered with 200 OK.
        var answered = 0
        /// INVITEs rejected by configuration (`rejectEvery`, `rejectAll`).
        var rejected = 0
        /// ACKs for a 200 OK.
        var acks = 0
        /// BYEs that ended a dialog (retransmissions not counted).
        var byes = 0
        /// CANCELs that stopped a ringing INVITE (answered 487).
        var cancels = 0
        var options = 0
        /// Retransmitted INVITEs answered with the last response again.
        var inviteRetransmissions = 0
        /// Final responses given up on after 64 × T1 without an ACK.
        var ackTimeouts = 0
        /// Datagrams that did not parse.
        var malformed = 0
    }

    let configuration: Configuration
    /// The bound UDP port.
    let port: Int
    private let channel: any Channel
    private let counterBox: SimulatedCounterBox<Counters>

    /// What the provider has seen and done so far; safe to read from any thread.
    var counters: Counters { counterBox.snapshot }

    private init(configuration: Configuration, port: Int, channel: any Channel, counterBox: SimulatedCounterBox<Counters>) {
        self.configuration = configuration
        self.port = port
        self.channel = channel
        self.counterBox = counterBox
    }

    /// Binds the provider's socket on one loop of `group` and starts answering.
    static func start(
        configuration: Configuration,
        group: any EventLoopGroup,
        logger: Logger = Logger(label: "sipswarm.demo.provider")
    ) async throws -> SimulatedProvider {
        var logger = logger
        logger[metadataKey: "provider"] = "\(configuration.name)"
        let counterBox = SimulatedCounterBox(Counters())
        let channel = try await SimulatedCarrierSocket.bind(
            host: configuration.host, port: configuration.port, on: group.next()
        ) { [logger] in
            SimulatedProviderHandler(configuration: configuration, counters: counterBox, logger: logger)
        }
        guard let port = channel.localAddress?.port else {
            try? await SimulatedCarrierSocket.close(channel)
            throw ChannelError.unknownLocalAddress
        }
        return SimulatedProvider(configuration: configuration, port: port, channel: channel, counterBox: counterBox)
    }

    /// Stops answering and closes the socket; pending timers are cancelled.
    func stop() async throws {
        try await SimulatedCarrierSocket.close(channel)
    }
}
