public import NIOCore

/// Where a pulled message stands, from its ack subject
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`
/// (or the v2 layout `$JS.ACK.<domain>.<acchash>.<stream>.<consumer>.…`).
public struct JetStreamMessageMetadata: Sendable, Hashable {
    public var domain: String?
    public var stream: String
    public var consumer: String
    /// How often this message was delivered (2 after one NAK).
    public var delivered: UInt64
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    /// Nanoseconds since the Unix epoch when the stream stored it.
    public var timestampNanoseconds: Int64
    /// Messages still pending for the consumer after this one.
    public var pending: UInt64

    public init(ackSubject: String) throws(NATSError) {
        let tokens = ackSubject.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard tokens.count >= 9, tokens[0] == "$JS", tokens[1] == "ACK" else {
            throw NATSError(.invalidResponse, reason: "not a JetStream ack subject (\(tokens.count) tokens)")
        }
        // v1 has exactly 9 tokens; v2 has 11 or 12 (a trailing random token).
        let base: Int
        switch tokens.count {
        case 9:
            base = 2
            self.domain = nil
        case 11, 12:
            base = 4
            self.domain = tokens[2] == "_" ? nil : tokens[2]
        default:
            throw NATSError(.invalidResponse, reason: "JetStream ack subject has \(tokens.count) tokens")
        }
        guard let delivered = UInt64(tokens[base + 2]), let streamSequence = UInt64(tokens[base + 3]),
            let consumerSequence = UInt64(tokens[base + 4]), let timestamp = Int64(tokens[base + 5]),
            let pending = UInt64(tokens[base + 6])
        else {
            throw NATSError(.invalidResponse, reason: "JetStream ack subject has a non-numeric field")
        }
        self.stream = tokens[base]
        self.consumer = tokens[base + 1]
        self.delivered = delivered
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.timestampNanoseconds = timestamp
        self.pending = pending
    }
}

/// A message pulled from a JetStream consumer, with its metadata and its acknowledgements.
public struct JetStreamMessage: Sendable {
    /// The message as delivered: the original subject, headers (`Nats-Msg-Id`…) and payload.
    public let message: NATSMessage
    public let metadata: JetStreamMessageMetadata
    private let ackSubject: String
    private let client: NATSClient

    init(_ message: NATSMessage, client: NATSClient) throws(NATSError) {
        guard let replyTo = message.replyTo else {
            throw NATSError(.invalidResponse, reason: "a pulled message on \(message.subject) has no ack subject")
        }
        self.message = message
        self.metadata = try JetStreamMessageMetadata(ackSubject: replyTo)
        self.ackSubject = replyTo
        self.client = client
    }

    public var subject: String { self.message.subject }
    public var payload: ByteBuffer { self.message.payload }
    public var headers: NATSHeaders? { self.message.headers }

    /// Acknowledges; returns once sent (the server does not confirm).
    public func ack() async throws {
        try await self.client.publish(self.ackSubject, payload: ByteBuffer(string: "+ACK"))
    }

    /// Acknowledges and waits for the server's confirmation.
    public func ackSync(timeout: Duration? = nil) async throws {
        _ = try await self.client.request(self.ackSubject, payload: ByteBuffer(string: "+ACK"), timeout: timeout)
    }

    /// Asks for redelivery (now, or after `delay`).
    public func nak(delay: Duration? = nil) async throws {
        let body = delay.map { "-NAK {\"delay\":\($0.jetStreamNanoseconds)}" } ?? "-NAK"
        try await self.client.publish(self.ackSubject, payload: ByteBuffer(string: body))
    }

    /// Never redeliver this message.
    public func term() async throws {
        try await self.client.publish(self.ackSubject, payload: ByteBuffer(string: "+TERM"))
    }

    /// Still working on it: restarts the ack wait.
    public func inProgress() async throws {
        try await self.client.publish(self.ackSubject, payload: ByteBuffer(string: "+WPI"))
    }
}
