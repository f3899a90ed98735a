import NIOCore
import NATS
public import Logging

/// A stream in NATS JetStream: the stream is created when missing (file storage, the configured duplicate
/// window), every record is published to the stream's subject with `Nats-Msg-Id: <node>.<kind>.<seq>` and its
/// ledger line (without `\n`) as the body, up to `maxInFlight` publishes awaiting their PubAck at once.
public actor JetStreamBackend: StreamBackend {
    /// The stream and how to publish to it.
    public struct Options: Sendable {
        /// Stream name (`SIPSWARM_CDR`).
        public var stream: String
        /// This node's subject (`sipswarm.<node>.cdr`).
        public var subject: String
        /// The subjects the stream is created with (`sipswarm.*.cdr`: every node's, so nodes can share it).
        public var streamSubjects: [String]
        /// JetStream's dedupe window for `Nats-Msg-Id`, set when the stream is created.
        public var duplicateWindow: Duration
        /// How long one publish waits for its PubAck.
        public var publishTimeout: Duration
        /// Publishes awaiting their PubAck at once.
        public var maxInFlight: Int
        /// Replicas when the stream is created (1 on a single server, 3 on a cluster).
        public var replicas: Int

        /// Options for one stream.
        public init(
            stream: String, subject: String, streamSubjects: [String]? = nil, duplicateWindow: Duration = .seconds(600),
            publishTimeout: Duration = .seconds(5), maxInFlight: Int = 256, replicas: Int = 1
        ) {
            self.stream = stream
            self.subject = subject
            self.streamSubjects = streamSubjects ?? [subject]
            self.duplicateWindow = duplicateWindow
            self.publishTimeout = publishTimeout
            self.maxInFlight = max(1, maxInFlight)
            self.replicas = max(1, replicas)
        }
    }

    public nonisolated let name = "jetstream"
    public nonisolated let destination: String
    public nonisolated let maxInFlight: Int

    private let options: Options
    private let connection: NATSConnection
    private let logger: Logger
    private var ensured = false

    /// A backend publishing through `connection`, which several backends may share.
    public init(options: Options, connection: NATSConnection, logger: Logger = Logger(label: "sipswarm.mqal.jetstream")) {
        self.options = options
        self.destination = options.stream
        self.maxInFlight = options.maxInFlight
        self.connection = connection
        self.logger = logger
    }

    public func ensure() async throws(StreamError) {
        guard !ensured else { return }
        let client = try await connection.connectedClient()
        var config = StreamConfig(name: options.stream, subjects: options.streamSubjects)
        config.storage = .file
        config.duplicateWindow = options.duplicateWindow
        config.numReplicas = options.replicas
        do {
            let info = try await JetStream(client: client, timeout: options.publishTimeout).ensureStream(config)
            if !Self.covers(info.config.subjects, subject: options.subject) {
                logger.warning(
                    "JetStream stream exists without this node's subject; publishes will fail until it is changed",
                    metadata: ["stream": "\(options.stream)", "subject": "\(options.subject)", "stream_subjects": "\(info.config.subjects)"]
                )
            }
        } catch {
            throw Self.streamError(from: error)
        }
        ensured = true
    }

    public func publish(_ messages: [OutboundMessage]) async -> [Result<StreamAck, StreamError>] {
        do {
            try await ensure()
        } catch {
            return messages.map { _ in .failure(error) }
        }
        let jetStream: JetStream
        do {
            jetStream = JetStream(client: try await connection.connectedClient(), timeout: options.publishTimeout)
        } catch {
            return messages.map { _ in .failure(error) }
        }
        let subject = options.subject
        let timeout = options.publishTimeout
        let limit = maxInFlight
        var results = [Result<StreamAck, StreamError>?](repeating: nil, count: messages.count)
        await withTaskGroup(of: (Int, Result<StreamAck, StreamError>).self) { group in
            var started = 0
            var running = 0
            while started < messages.count || running > 0 {
                // Keep up to `limit` publishes awaiting acks; the client sends them in this order.
                while running < limit && started < messages.count {
                    let index = started
                    let message = messages[index]
                    group.addTask {
                        do {
                            let ack = try await jetStream.publish(
                                subject, payload: ByteBuffer(bytes: message.body), messageID: message.messageID, timeout: timeout)
                            return (index, .success(StreamAck(sequence: ack.sequence, duplicate: ack.duplicate)))
                        } catch {
                            return (index, .failure(Self.streamError(from: error)))
                        }
                    }
                    started += 1
                    running += 1
                }
                guard let (index, result) = await group.next() else { break }
                running -= 1
                results[index] = result
            }
        }
        return results.map { $0 ?? .failure(StreamError(.unavailable, reason: "no result")) }
    }

    public func close() async {
        ensured = false
    }

    /// Maps client errors to the stream error codes the publisher acts on.
    static func streamError(from error: any Error) -> StreamError {
        if let error = error as? NATSError {
            if error.code == .timeout {
                return StreamError(.timeout, reason: error.reason)
            }
            if error.code == .connectionClosed {
                return StreamError(.closed, reason: error.reason)
            }
            return StreamError(.unavailable, reason: "\(error.code): \(error.reason)")
        }
        if let error = error as? JetStreamAPIError {
            return StreamError(.rejected, reason: error.description)
        }
        return StreamError(.rejected, reason: "\(error)")
    }

    // Whether a stream subject list takes `subject` (exact, `*` one token, `>` the rest).
    static func covers(_ patterns: [String], subject: String) -> Bool {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        return patterns.contains { pattern in
            let parts = pattern.split(separator: ".", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if part == ">" { return tokens.count > index }
                guard index < tokens.count, part == "*" || part == tokens[index] else { return false }
            }
            return parts.count == tokens.count
        }
    }
}
