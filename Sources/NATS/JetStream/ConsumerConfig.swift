/// A durable pull consumer's configuration (the 2.9 field set).
public struct ConsumerConfig: Sendable, Hashable, Codable {
    public enum AckPolicy: String, Sendable, Hashable, Codable { case explicit, none, all }
    public enum DeliverPolicy: String, Sendable, Hashable, Codable {
        case all, last, new
        case lastPerSubject = "last_per_subject"
    }
    public enum ReplayPolicy: String, Sendable, Hashable, Codable { case instant, original }

    public var durableName: String
    public var ackPolicy: AckPolicy = .explicit
    public var deliverPolicy: DeliverPolicy = .all
    /// Unacknowledged messages are redelivered after this.
    public var ackWait: Duration = .seconds(30)
    /// -1: redeliver without limit.
    public var maxDeliver = -1
    public var filterSubject: String?
    public var replayPolicy: ReplayPolicy = .instant
    public var maxAckPending: Int?

    public init(durableName: String, filterSubject: String? = nil) {
        self.durableName = durableName
        self.filterSubject = filterSubject
    }

    enum CodingKeys: String, CodingKey {
        case durableName = "durable_name"
        case name
        case ackPolicy = "ack_policy"
        case deliverPolicy = "deliver_policy"
        case ackWait = "ack_wait"
        case maxDeliver = "max_deliver"
        case filterSubject = "filter_subject"
        case replayPolicy = "replay_policy"
        case maxAckPending = "max_ack_pending"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let durable = try c.decodeIfPresent(String.self, forKey: .durableName)
        self.durableName = try durable ?? c.decodeIfPresent(String.self, forKey: .name) ?? ""
        self.ackPolicy = try c.decodeIfPresent(AckPolicy.self, forKey: .ackPolicy) ?? .explicit
        self.deliverPolicy = try c.decodeIfPresent(DeliverPolicy.self, forKey: .deliverPolicy) ?? .all
        self.ackWait = Duration(jetStreamNanoseconds: try c.decodeIfPresent(Int64.self, forKey: .ackWait) ?? 0)
        self.maxDeliver = try c.decodeIfPresent(Int.self, forKey: .maxDeliver) ?? -1
        self.filterSubject = try c.decodeIfPresent(String.self, forKey: .filterSubject)
        self.replayPolicy = try c.decodeIfPresent(ReplayPolicy.self, forKey: .replayPolicy) ?? .instant
        self.maxAckPending = try c.decodeIfPresent(Int.self, forKey: .maxAckPending)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.durableName, forKey: .durableName)
        try c.encode(self.durableName, forKey: .name)
        try c.encode(self.ackPolicy, forKey: .ackPolicy)
        try c.encode(self.deliverPolicy, forKey: .deliverPolicy)
        try c.encode(self.ackWait.jetStreamNanoseconds, forKey: .ackWait)
        try c.encode(self.maxDeliver, forKey: .maxDeliver)
        try c.encodeIfPresent(self.filterSubject, forKey: .filterSubject)
        try c.encode(self.replayPolicy, forKey: .replayPolicy)
        try c.encodeIfPresent(self.maxAckPending, forKey: .maxAckPending)
    }
}

/// `$JS.API.CONSUMER.INFO` / `DURABLE.CREATE` answers.
public struct ConsumerInfo: Sendable, Hashable, Decodable {
    public struct SequenceInfo: Sendable, Hashable, Decodable {
        public var consumerSequence: UInt64
        public var streamSequence: UInt64

        enum CodingKeys: String, CodingKey {
            case consumerSequence = "consumer_seq"
            case streamSequence = "stream_seq"
        }
    }

    public var streamName: String
    public var name: String
    public var config: ConsumerConfig
    public var delivered: SequenceInfo
    public var ackFloor: SequenceInfo
    /// Delivered, not yet acknowledged.
    public var numAckPending: Int
    public var numRedelivered: Int
    /// Not yet delivered.
    public var numPending: UInt64

    enum CodingKeys: String, CodingKey {
        case name, config, delivered
        case streamName = "stream_name"
        case ackFloor = "ack_floor"
        case numAckPending = "num_ack_pending"
        case numRedelivered = "num_redelivered"
        case numPending = "num_pending"
    }
}

/// The body of `$JS.API.CONSUMER.DURABLE.CREATE.<stream>.<name>`.
struct CreateConsumerRequest: Encodable {
    var streamName: String
    var config: ConsumerConfig

    enum CodingKeys: String, CodingKey {
        case streamName = "stream_name"
        case config
    }
}

/// The body of `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`.
struct PullRequest: Encodable {
    var batch: Int
    /// Nanoseconds.
    var expires: Int64?
    var noWait: Bool?

    enum CodingKeys: String, CodingKey {
        case batch, expires
        case noWait = "no_wait"
    }
}
