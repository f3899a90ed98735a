/// A JetStream stream configuration, the 2.9 field set (portable to newer servers).
public struct StreamConfig: Sendable, Hashable, Codable {
    public enum Retention: String, Sendable, Hashable, Codable { case limits, interest, workqueue }
    public enum Storage: String, Sendable, Hashable, Codable { case file, memory }
    public enum Discard: String, Sendable, Hashable, Codable { case old, new }

    public var name: String
    public var subjects: [String]
    public var retention: Retention = .limits
    public var storage: Storage = .file
    /// Zero keeps messages forever.
    public var maxAge: Duration = .zero
    /// `Nats-Msg-Id` duplicates are dropped within this window (must be ≤ `maxAge` when that is set).
    public var duplicateWindow: Duration = .seconds(120)
    public var numReplicas = 1
    public var discard: Discard = .old
    public var maxMsgs: Int64 = -1
    public var maxBytes: Int64 = -1
    public var maxConsumers = -1
    public var maxMsgsPerSubject: Int64 = -1
    public var maxMsgSize: Int32 = -1
    public var denyDelete = false
    public var denyPurge = false

    public init(name: String, subjects: [String]) {
        self.name = name
        self.subjects = subjects
    }

    enum CodingKeys: String, CodingKey {
        case name, subjects, retention, storage, discard
        case maxAge = "max_age"
        case duplicateWindow = "duplicate_window"
        case numReplicas = "num_replicas"
        case maxMsgs = "max_msgs"
        case maxBytes = "max_bytes"
        case maxConsumers = "max_consumers"
        case maxMsgsPerSubject = "max_msgs_per_subject"
        case maxMsgSize = "max_msg_size"
        case denyDelete = "deny_delete"
        case denyPurge = "deny_purge"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try c.decode(String.self, forKey: .name)
        self.subjects = try c.decodeIfPresent([String].self, forKey: .subjects) ?? []
        self.retention = try c.decodeIfPresent(Retention.self, forKey: .retention) ?? .limits
        self.storage = try c.decodeIfPresent(Storage.self, forKey: .storage) ?? .file
        self.maxAge = Duration(jetStreamNanoseconds: try c.decodeIfPresent(Int64.self, forKey: .maxAge) ?? 0)
        self.duplicateWindow = Duration(
            jetStreamNanoseconds: try c.decodeIfPresent(Int64.self, forKey: .duplicateWindow) ?? 0)
        self.numReplicas = try c.decodeIfPresent(Int.self, forKey: .numReplicas) ?? 1
        self.discard = try c.decodeIfPresent(Discard.self, forKey: .discard) ?? .old
        self.maxMsgs = try c.decodeIfPresent(Int64.self, forKey: .maxMsgs) ?? -1
        self.maxBytes = try c.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? -1
        self.maxConsumers = try c.decodeIfPresent(Int.self, forKey: .maxConsumers) ?? -1
        self.maxMsgsPerSubject = try c.decodeIfPresent(Int64.self, forKey: .maxMsgsPerSubject) ?? -1
        self.maxMsgSize = try c.decodeIfPresent(Int32.self, forKey: .maxMsgSize) ?? -1
        self.denyDelete = try c.decodeIfPresent(Bool.self, forKey: .denyDelete) ?? false
        self.denyPurge = try c.decodeIfPresent(Bool.self, forKey: .denyPurge) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.name, forKey: .name)
        try c.encode(self.subjects, forKey: .subjects)
        try c.encode(self.retention, forKey: .retention)
        try c.encode(self.storage, forKey: .storage)
        try c.encode(self.maxAge.jetStreamNanoseconds, forKey: .maxAge)
        try c.encode(self.duplicateWindow.jetStreamNanoseconds, forKey: .duplicateWindow)
        try c.encode(self.numReplicas, forKey: .numReplicas)
        try c.encode(self.discard, forKey: .discard)
        try c.encode(self.maxMsgs, forKey: .maxMsgs)
        try c.encode(self.maxBytes, forKey: .maxBytes)
        try c.encode(self.maxConsumers, forKey: .maxConsumers)
        try c.encode(self.maxMsgsPerSubject, forKey: .maxMsgsPerSubject)
        try c.encode(self.maxMsgSize, forKey: .maxMsgSize)
        try c.encode(self.denyDelete, forKey: .denyDelete)
        try c.encode(self.denyPurge, forKey: .denyPurge)
    }
}

/// `$JS.API.STREAM.INFO` / `CREATE` answers: the stored configuration and the stream's state.
public struct StreamInfo: Sendable, Hashable, Decodable {
    public var config: StreamConfig
    public var state: StreamState
    /// Set by CREATE: whether this call created the stream (absent on older servers and INFO).
    public var didCreate: Bool?

    enum CodingKeys: String, CodingKey {
        case config, state
        case didCreate = "did_create"
    }
}

public struct StreamState: Sendable, Hashable, Decodable {
    public var messages: UInt64
    public var bytes: UInt64
    public var firstSequence: UInt64
    public var lastSequence: UInt64
    public var consumerCount: Int

    enum CodingKeys: String, CodingKey {
        case messages, bytes
        case firstSequence = "first_seq"
        case lastSequence = "last_seq"
        case consumerCount = "consumer_count"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.messages = try c.decodeIfPresent(UInt64.self, forKey: .messages) ?? 0
        self.bytes = try c.decodeIfPresent(UInt64.self, forKey: .bytes) ?? 0
        self.firstSequence = try c.decodeIfPresent(UInt64.self, forKey: .firstSequence) ?? 0
        self.lastSequence = try c.decodeIfPresent(UInt64.self, forKey: .lastSequence) ?? 0
        self.consumerCount = try c.decodeIfPresent(Int.self, forKey: .consumerCount) ?? 0
    }
}
