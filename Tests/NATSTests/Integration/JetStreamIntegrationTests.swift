import NIOCore
import Testing
@testable import NATS

extension NATSIntegrationTests {
    /// JetStream against a real nats-server with a temporary file store.
    @Suite(.serialized) struct JetStreamAPI {
        static func stream(_ name: String, _ subject: String) -> StreamConfig {
            var config = StreamConfig(name: name, subjects: [subject])
            config.duplicateWindow = .seconds(60)
            config.denyDelete = true
            config.denyPurge = true
            return config
        }

        @Test func ensureStreamPublishWithMessageIDDeduplicates() async throws {
            let server = NATSServerProcess(port: 26711)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let js = JetStream(client: client)

            await #expect(throws: JetStreamAPIError(code: 404, errorCode: 10059, description: "stream not found")) {
                _ = try await js.streamInfo("CDR")
            }
            let created = try await js.ensureStream(Self.stream("CDR", "sipswarm.n1.cdr"))
            #expect(created.config.duplicateWindow == .seconds(60))
            #expect(created.config.storage == .file)
            let again = try await js.ensureStream(Self.stream("CDR", "sipswarm.n1.cdr"))
            #expect(again.config.subjects == ["sipswarm.n1.cdr"])

            let first = try await js.publish("sipswarm.n1.cdr", payload: ByteBuffer(string: "{\"seq\":1}"), messageID: "n1.cdr.1")
            #expect(first == PubAck(stream: "CDR", sequence: 1, duplicate: false))
            let repeated = try await js.publish("sipswarm.n1.cdr", payload: ByteBuffer(string: "{\"seq\":1}"), messageID: "n1.cdr.1")
            #expect(repeated == PubAck(stream: "CDR", sequence: 1, duplicate: true))
            let second = try await js.publish("sipswarm.n1.cdr", payload: ByteBuffer(string: "{\"seq\":2}"), messageID: "n1.cdr.2")
            #expect(second.sequence == 2 && !second.duplicate)
            #expect(try await js.streamInfo("CDR").state.messages == 2)

            // A refused publish is a typed API error with the JetStream code.
            var expect = NATSHeaders()
            expect.add(name: "Nats-Expected-Last-Sequence", value: "7")
            do {
                _ = try await js.publish("sipswarm.n1.cdr", payload: ByteBuffer(string: "x"), headers: expect)
                Issue.record("a wrong expected sequence must be refused")
            } catch let error as JetStreamAPIError {
                #expect(error.errorCode == JetStreamAPIError.wrongLastSequence)
            }
            // No stream on the subject: no responders.
            await #expect(throws: NATSError(.noResponders, reason: "")) {
                _ = try await js.publish("nostream.here", payload: ByteBuffer(string: "x"), messageID: "m")
            }
            await client.close()
        }

        @Test func pullConsumerFetchesWithMetadataAndAcks() async throws {
            let server = NATSServerProcess(port: 26712)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let js = JetStream(client: client)
            _ = try await js.ensureStream(Self.stream("RATES", "ratesync.>"))
            for i in 1...3 {
                _ = try await js.publish("ratesync.deck", payload: ByteBuffer(string: "deck \(i)"), messageID: "deck.\(i)")
            }
            let consumer = try await js.createPullConsumer(
                stream: "RATES", config: ConsumerConfig(durableName: "tool", filterSubject: "ratesync.>"))
            #expect(consumer.name == "tool")
            #expect(consumer.numPending == 3)

            let batch = try await js.fetch(stream: "RATES", consumer: "tool", batch: 2, expires: .seconds(2))
            #expect(batch.map(\.payload).map { String(buffer: $0) } == ["deck 1", "deck 2"])
            #expect(batch.map(\.metadata.streamSequence) == [1, 2])
            #expect(batch.map(\.metadata.consumerSequence) == [1, 2])
            #expect(batch.allSatisfy { $0.metadata.stream == "RATES" && $0.metadata.consumer == "tool" && $0.metadata.delivered == 1 })
            #expect(batch.first?.headers?["Nats-Msg-Id"] == "deck.1")
            #expect(batch.first?.subject == "ratesync.deck")
            for message in batch { try await message.ackSync() }

            // NAK the third one: it comes back with delivered == 2; then ack it.
            let third = try await js.fetch(stream: "RATES", consumer: "tool", batch: 5, expires: .milliseconds(300), noWait: true)
            #expect(third.map(\.metadata.streamSequence) == [3])
            try await third.first?.nak()
            let redelivered = try await js.fetch(stream: "RATES", consumer: "tool", batch: 1, expires: .seconds(2))
            #expect(redelivered.first?.metadata.delivered == 2)
            try await redelivered.first?.ackSync()

            let info = try await js.consumerInfo(stream: "RATES", consumer: "tool")
            #expect(info.numAckPending == 0)
            #expect(info.numPending == 0)
            #expect(info.ackFloor.streamSequence == 3)
            await client.close()
        }

        @Test func fetchOnAnEmptyStreamReturnsEmptyAfterExpiry() async throws {
            let server = NATSServerProcess(port: 26713)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let js = JetStream(client: client)
            _ = try await js.ensureStream(Self.stream("EMPTY", "empty.>"))
            _ = try await js.createPullConsumer(stream: "EMPTY", config: ConsumerConfig(durableName: "c"))
            let started = ContinuousClock.now
            let messages = try await js.fetch(stream: "EMPTY", consumer: "c", batch: 3, expires: .milliseconds(500))
            let elapsed = ContinuousClock.now - started
            #expect(messages.isEmpty)
            #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(3), "fetch took \(elapsed)")
            // no_wait answers at once with 404.
            let quick = ContinuousClock.now
            #expect(try await js.fetch(stream: "EMPTY", consumer: "c", batch: 3, expires: .seconds(5), noWait: true).isEmpty)
            #expect(ContinuousClock.now - quick < .seconds(1))
            await client.close()
        }

        @Test func deduplicationSurvivesAServerRestart() async throws {
            let server = NATSServerProcess(port: 26714)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let js = JetStream(client: client)
            _ = try await js.ensureStream(Self.stream("AUDIT", "audit.>"))
            let first = try await js.publish("audit.n1", payload: ByteBuffer(string: "a"), messageID: "n1.audit.1")
            server.kill()
            try await eventually("the client to notice the lost server") { !client.isConnected }
            try await server.start()
            try await eventually("the client to reconnect", timeout: .seconds(10)) { client.isConnected }
            // JetStream may need a moment after a restart before the stream answers.
            var repeated: PubAck?
            for _ in 0..<20 where repeated == nil {
                repeated = try? await js.publish("audit.n1", payload: ByteBuffer(string: "a"), messageID: "n1.audit.1", timeout: .milliseconds(500))
                if repeated == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(repeated == PubAck(stream: "AUDIT", sequence: first.sequence, duplicate: true))
            await client.close()
        }
    }
}
