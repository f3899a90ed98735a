/// A terminating carrier the node sends calls to.
public struct ProviderTrunk: Sendable, Hashable {
    /// Identifier written into records.
    public var id: String
    /// Host name or IP literal, without brackets.
    public var host: String
    /// Port, 1...65535.
    public var port: Int
    /// UDP or TCP.
    public var transport: SIPTransportKind
    /// Lower is tried first; equal priorities keep file order.
    public var priority: Int
    /// Per-minute rate deck this provider charges for voice and video (`rate_deck`); nil: no rated call goes here.
    public var rateDeck: String?
    /// Per-message rate deck this provider charges for MESSAGE (`message_rate_deck`); nil: no rated message goes here.
    public var messageRateDeck: String?
    /// Most sessions up at once through this provider (`max_concurrent`); nil: no limit.
    public var maxConcurrent: Int?
    /// Most new sessions per second, with a burst of one second's worth (`calls_per_second`); nil: no limit.
    public var callsPerSecond: Int?

    /// Creates a provider trunk; deck paths are used as given (the loader resolves them against the configuration's folder).
    public init(
        id: String, host: String, port: Int, transport: SIPTransportKind = .udp, priority: Int = 1,
        rateDeck: String? = nil, messageRateDeck: String? = nil, maxConcurrent: Int? = nil, callsPerSecond: Int? = nil
    ) {
        self.id = id
        self.host = host
        self.port = port
        self.transport = transport
        self.priority = priority
        self.rateDeck = rateDeck
        self.messageRateDeck = messageRateDeck
        self.maxConcurrent = maxConcurrent
        self.callsPerSecond = callsPerSecond
    }
}
