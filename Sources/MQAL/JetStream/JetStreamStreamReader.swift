import NIOCore
public import NATS

/// Reads a JetStream stream in order through a durable pull consumer (every message, acknowledged as read),
/// for tools and tests that check what a node published.
public struct JetStreamStreamReader: StreamReader {
    private let jetStream: JetStream
    private let stream: String
    private let consumer: String

    /// Creates (or reuses) the durable pull consumer `consumer` on `stream`, from the stream's first message.
    public static func open(
        client: NATSClient, stream: String, consumer: String, filterSubject: String? = nil
    ) async throws(StreamError) -> JetStreamStreamReader {
        let jetStream = JetStream(client: client)
        var config = ConsumerConfig(durableName: consumer, filterSubject: filterSubject)
        config.deliverPolicy = .all
        do {
            _ = try await jetStream.createPullConsumer(stream: stream, config: config)
        } catch {
            throw JetStreamBackend.streamError(from: error)
        }
        return JetStreamStreamReader(jetStream: jetStream, stream: stream, consumer: consumer)
    }

    public mutating func next(max: Int, wait: Duration) async throws(StreamError) -> [StreamEntry] {
        do {
            let messages = try await jetStream.fetch(
                stream: stream, consumer: consumer, batch: max, expires: wait > .zero ? wait : .zero, noWait: wait <= .zero)
            var entries: [StreamEntry] = []
            for message in messages {
                entries.append(
                    StreamEntry(
                        sequence: message.metadata.streamSequence,
                        messageID: message.headers?["Nats-Msg-Id"] ?? "",
                        body: Array(message.payload.readableBytesView)
                    )
                )
                try await message.ack()
            }
            return entries
        } catch {
            throw JetStreamBackend.streamError(from: error)
        }
    }
}
