/// The acknowledgement of a JetStream publish: `{"stream":"AUDIT", "seq":2,"duplicate": true}`.
public struct PubAck: Sendable, Hashable, Decodable {
    public var stream: String
    /// The stream sequence; for a duplicate, the sequence of the original message.
    public var sequence: UInt64
    /// True when the `Nats-Msg-Id` was seen within the duplicate window: nothing new was stored.
    public var duplicate: Bool
    public var domain: String?

    public init(stream: String, sequence: UInt64, duplicate: Bool = false, domain: String? = nil) {
        self.stream = stream
        self.sequence = sequence
        self.duplicate = duplicate
        self.domain = domain
    }

    enum CodingKeys: String, CodingKey {
        case stream, duplicate, domain
        case sequence = "seq"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.stream = try c.decode(String.self, forKey: .stream)
        self.sequence = try c.decode(UInt64.self, forKey: .sequence)
        self.duplicate = try c.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
        self.domain = try c.decodeIfPresent(String.self, forKey: .domain)
    }
}
