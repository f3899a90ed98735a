/// One record on its way to a stream: the chain line exactly as written to disk, without its `\n`.
public struct OutboundMessage: Sendable, Hashable {
    /// The chain (`cdr`, `attempt`, `audit`, `bidlog`).
    public let kind: String
    /// The record's `seq` in its chain.
    public let seq: UInt64
    /// `<node>.<kind>.<seq>`: stable across retries and restarts, so the destination can drop repeats.
    public let messageID: String
    /// The record's canonical JSON line without the trailing `\n`; a consumer can recompute its `hash`.
    public let body: [UInt8]

    /// A message for the record `node`/`kind`/`seq` with its line as `body`.
    public init(node: String, kind: String, seq: UInt64, body: [UInt8]) {
        self.kind = kind
        self.seq = seq
        self.messageID = Self.messageID(node: node, kind: kind, seq: seq)
        self.body = body
    }

    /// `<node>.<kind>.<seq>`, the id every backend deduplicates on (`Nats-Msg-Id` on JetStream).
    public static func messageID(node: String, kind: String, seq: UInt64) -> String {
        "\(node).\(kind).\(seq)"
    }
}

/// A positive acknowledgement: the destination has the message durably.
public struct StreamAck: Sendable, Hashable {
    /// The message's position in the destination stream (the original one for a duplicate).
    public let sequence: UInt64
    /// The destination already had a message with this id; as good as a first store.
    public let duplicate: Bool

    /// An acknowledgement.
    public init(sequence: UInt64, duplicate: Bool) {
        self.sequence = sequence
        self.duplicate = duplicate
    }
}

/// Where one stream's records go: the local stream directory or a NATS JetStream stream.
///
/// Semantics every backend keeps: a success means the message is stored durably at the destination;
/// a message published twice with the same `messageID` is stored once (within the backend's
/// dedupe window); a failure leaves nothing the publisher relies on, it publishes again later.
public protocol StreamBackend: Sendable {
    /// `local` or `jetstream`; part of the cursor file name.
    var name: String { get }
    /// Names the destination in the cursor file, so a new destination starts from the chain's first record.
    var destination: String { get }
    /// How many publishes may be awaiting their acknowledgement at once.
    var maxInFlight: Int { get }

    /// Creates the destination when it is missing (the local directory, the JetStream stream); idempotent.
    func ensure() async throws(StreamError)

    /// Publishes `messages` (ascending `seq`, at most a read-ahead window of them) and returns one result each,
    /// in the same order. Each result is independent: later messages may succeed after an earlier one failed.
    func publish(_ messages: [OutboundMessage]) async -> [Result<StreamAck, StreamError>]

    /// Releases connections and files.
    func close() async
}

/// One message read back from a stream, by tools and tests.
public struct StreamEntry: Sendable, Hashable {
    /// Position in the stream.
    public let sequence: UInt64
    /// The message id (`<node>.<kind>.<seq>`).
    public let messageID: String
    /// The record line.
    public let body: [UInt8]

    /// An entry.
    public init(sequence: UInt64, messageID: String, body: [UInt8]) {
        self.sequence = sequence
        self.messageID = messageID
        self.body = body
    }
}

/// The reader side of a stream: messages in stream order, for `sipswarm stream tail` and consumers.
public protocol StreamReader {
    /// Up to `max` entries after those already returned; waits up to `wait` when none is there yet.
    mutating func next(max: Int, wait: Duration) async throws(StreamError) -> [StreamEntry]
}
