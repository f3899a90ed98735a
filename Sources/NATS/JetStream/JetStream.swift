public import NIOCore
import Foundation

/// The JetStream API over a `NATSClient`: streams, acknowledged publishes, durable pull consumers.
///
/// Every call is a request on the client's inbox, so it shares the client's bound on requests in
/// flight. API errors are thrown as `JetStreamAPIError`; transport problems as `NATSError`.
public struct JetStream: Sendable {
    public let client: NATSClient
    /// The API subject prefix (`$JS.API`; another for a JetStream domain, `$JS.<domain>.API`).
    public let apiPrefix: String
    /// Timeout of API calls and publish acks unless a call says otherwise.
    public let timeout: Duration

    public init(client: NATSClient, apiPrefix: String = "$JS.API", timeout: Duration = .seconds(5)) {
        self.client = client
        self.apiPrefix = apiPrefix
        self.timeout = timeout
    }

    // MARK: - Streams

    /// `$JS.API.STREAM.INFO.<name>`; throws `JetStreamAPIError` 10059 when there is no such stream.
    public func streamInfo(_ name: String) async throws -> StreamInfo {
        try await self.call("STREAM.INFO.\(name)", body: Optional<Int>.none, as: StreamInfo.self)
    }

    /// `$JS.API.STREAM.CREATE.<name>`; idempotent for an identical configuration, 10058 for another one.
    public func createStream(_ config: StreamConfig) async throws -> StreamInfo {
        try await self.call("STREAM.CREATE.\(config.name)", body: config, as: StreamInfo.self)
    }

    /// The stream's info, creating it first when it does not exist. An existing stream is left as it is.
    public func ensureStream(_ config: StreamConfig) async throws -> StreamInfo {
        do {
            return try await self.streamInfo(config.name)
        } catch let error as JetStreamAPIError where error.errorCode == JetStreamAPIError.streamNotFound {
            do {
                return try await self.createStream(config)
            } catch let error as JetStreamAPIError where error.errorCode == JetStreamAPIError.streamNameInUse {
                // Another node created it between our INFO and CREATE.
                return try await self.streamInfo(config.name)
            }
        }
    }

    // MARK: - Publish

    /// Publishes to a stream subject and waits for its PubAck.
    ///
    /// With `messageID` (`Nats-Msg-Id`), a repeat within the stream's duplicate window returns
    /// `duplicate == true` and the original sequence. Throws `NATSError.noResponders` when no stream
    /// takes the subject, `.timeout` without an ack, `JetStreamAPIError` for a refused publish.
    public func publish(
        _ subject: String, payload: ByteBuffer, messageID: String? = nil, headers: NATSHeaders? = nil,
        timeout: Duration? = nil
    ) async throws -> PubAck {
        var headers = headers ?? NATSHeaders()
        if let messageID { headers.add(name: "Nats-Msg-Id", value: messageID) }
        let reply = try await self.client.request(
            subject, payload: payload, headers: headers.fields.isEmpty && headers.status == nil ? nil : headers,
            timeout: timeout ?? self.timeout)
        return try Self.decode(PubAck.self, from: reply.payload)
    }

    // MARK: - Consumers

    /// Creates (or confirms, when identical) a durable pull consumer:
    /// `$JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>`, understood by every 2.x server.
    public func createPullConsumer(stream: String, config: ConsumerConfig) async throws -> ConsumerInfo {
        try await self.call(
            "CONSUMER.DURABLE.CREATE.\(stream).\(config.durableName)",
            body: CreateConsumerRequest(streamName: stream, config: config), as: ConsumerInfo.self)
    }

    /// `$JS.API.CONSUMER.INFO.<stream>.<consumer>`.
    public func consumerInfo(stream: String, consumer: String) async throws -> ConsumerInfo {
        try await self.call("CONSUMER.INFO.\(stream).\(consumer)", body: Optional<Int>.none, as: ConsumerInfo.self)
    }

    // MARK: - Calls

    func call<Body: Encodable, Response: Decodable>(
        _ operation: String, body: Body?, as type: Response.Type
    ) async throws -> Response {
        var payload = ByteBuffer()
        if let body {
            do {
                payload = ByteBuffer(bytes: try JSONEncoder().encode(body))
            } catch {
                throw NATSError(.invalidResponse, reason: "cannot encode the \(operation) request: \(error)")
            }
        }
        let reply = try await self.client.request(
            "\(self.apiPrefix).\(operation)", payload: payload, timeout: self.timeout)
        return try Self.decode(type, from: reply.payload)
    }

    /// Decodes an API answer, throwing its `error` object as `JetStreamAPIError` first.
    static func decode<Response: Decodable>(_ type: Response.Type, from payload: ByteBuffer) throws -> Response {
        let data = Data(payload.readableBytesView)
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(ErrorEnvelope.self, from: data), let error = envelope.error {
            throw error
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw NATSError(.invalidResponse, reason: "JetStream answer is not a \(Response.self): \(error)")
        }
    }

    private struct ErrorEnvelope: Decodable {
        var error: JetStreamAPIError?
    }
}
