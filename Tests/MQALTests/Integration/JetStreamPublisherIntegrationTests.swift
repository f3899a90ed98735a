import Foundation
import NATS
import RecordStore
import Testing
@testable import MQAL

/// The publisher against a real `nats-server -js` (ports 27000–27299, temporary store), with a real sink.
/// One test at a time: each starts and kills its own server.
@Suite(.serialized) struct JetStreamPublisherIntegrationTests {
    private let options = PublisherOptions(readAhead: 1024, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200))

    private func connection(_ server: NATSServer) -> NATSConnection {
        NATSConnection(options: NATSConnection.Options(
            urls: [server.url], name: "mqal-tests",
            reconnect: NATSReconnectPolicy(initialDelay: .milliseconds(50), maxDelay: .milliseconds(200))
        ))
    }

    private func backend(_ connection: NATSConnection, kind: String = "cdr") -> JetStreamBackend {
        JetStreamBackend(
            options: JetStreamBackend.Options(
                stream: "SIPSWARM_" + kind.uppercased(), subject: "sipswarm.n1.\(kind)", streamSubjects: ["sipswarm.*.\(kind)"],
                duplicateWindow: .seconds(600), publishTimeout: .seconds(1), maxInFlight: 256
            ),
            connection: connection
        )
    }

    private func publisher(_ sink: JSONLinesRecordSink, _ directory: String, backend: JetStreamBackend) -> StreamPublisher {
        let publisher = StreamPublisher(kind: "cdr", dataDirectory: directory, backend: backend, options: options) {
            sink.durableSequences["cdr"] ?? 0
        }
        StreamPublishers([publisher]).attach(to: sink)
        return publisher
    }

    /// Reads the whole stream and checks it holds exactly `count` records, ids `n1.cdr.1…count` once each, bodies
    /// equal to the chain's lines, the chain verifying.
    private func expectStreamHoldsChain(_ server: NATSServer, directory: String, count: Int) async throws {
        let client = try await NATSClient.connect(urls: [server.url])
        defer { Task { await client.close() } }
        let info = try await JetStream(client: client).streamInfo("SIPSWARM_CDR")
        #expect(info.state.messages == UInt64(count))
        var reader = try await JetStreamStreamReader.open(client: client, stream: "SIPSWARM_CDR", consumer: "check-\(UUID().uuidString.prefix(8))")
        var entries: [StreamEntry] = []
        while entries.count < count {
            let batch = try await reader.next(max: 512, wait: .seconds(1))
            guard !batch.isEmpty else { break }
            entries.append(contentsOf: batch)
        }
        #expect(entries.count == count)
        let keyed = try entries.map { (seq: try MQALFixtures.seq(of: String(decoding: $0.body, as: UTF8.self)), entry: $0) }
        let bySeq = keyed.sorted { $0.seq < $1.seq }.map(\.entry)
        #expect(Set(entries.map(\.messageID)) == Set((1...count).map { "n1.cdr.\($0)" }))
        let lines = try MQALFixtures.chainLines(directory, kind: "cdr")
        #expect(bySeq.map { String(decoding: $0.body, as: UTF8.self) } == Array(lines.prefix(count)))
        try ChainCheck.verify(bySeq.map(\.body))
        for entry in entries {
            let seq = try MQALFixtures.seq(of: String(decoding: entry.body, as: UTF8.self))
            #expect(entry.messageID == "n1.cdr.\(seq)")
        }
    }

    @Test func publishesEveryDurableRecordOnceWithItsMessageID() async throws {
        let server = NATSServer(port: 27001)
        try await server.start()
        defer { server.stop() }
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 100))
        let connection = connection(server)
        let publisher = publisher(sink, directory, backend: backend(connection))
        let task = Task { try await publisher.run() }
        await MQALFixtures.emitAsync(0..<500, into: sink)
        #expect(try await MQALFixtures.eventually { publisher.status.cursor == 500 }, "\(publisher.status)")
        task.cancel()
        try await task.value
        try await expectStreamHoldsChain(server, directory: directory, count: 500)
        await MQALFixtures.close(sink)
        await connection.close()
    }

    // The broker is killed mid-run while records keep coming, then restarted on the same store: no loss, no
    // duplicate. Then the node restarts (a new sink and publisher over the same directory) with its cursor
    // behind the stream (a crash between ack and cursor write): the repeats are absorbed by Nats-Msg-Id.
    @Test func brokerRestartAndNodeRestartLoseNothingAndDuplicateNothing() async throws {
        let server = NATSServer(port: 27002)
        try await server.start()
        defer { server.stop() }
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 64))
            let connection = connection(server)
            let publisher = publisher(sink, directory, backend: backend(connection))
            let task = Task { try await publisher.run() }
            await MQALFixtures.emitAsync(0..<200, into: sink)
            #expect(try await MQALFixtures.eventually { publisher.status.cursor == 200 })
            server.kill()
            for round in 0..<6 {
                await MQALFixtures.emitAsync(200 + round * 50..<250 + round * 50, into: sink)
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await MQALFixtures.eventually { !publisher.status.available })
            #expect(publisher.status.cursor == 200)
            #expect(publisher.status.lag == 300)
            try await server.start()
            #expect(try await MQALFixtures.eventually(.seconds(30)) { publisher.status.cursor == 500 }, "\(publisher.status)")
            task.cancel()
            try await task.value
            await MQALFixtures.close(sink)
            await connection.close()
        }
        try await expectStreamHoldsChain(server, directory: directory, count: 500)

        try CursorFile(dataDirectory: directory, backend: "jetstream", destination: "SIPSWARM_CDR", kind: "cdr").store(420)
        let sink = try MQALFixtures.sink(directory)
        await MQALFixtures.emitAsync(500..<600, into: sink)
        let connection = connection(server)
        let status = await publisher(sink, directory, backend: backend(connection)).publishDurable(timeout: .seconds(10))
        #expect(status.cursor == 600)
        #expect(status.acknowledged == 180)
        await MQALFixtures.close(sink)
        await connection.close()
        try await expectStreamHoldsChain(server, directory: directory, count: 600)
    }

    // A long outage, compressed: the broker is down before the node starts and stays down while thousands of
    // records pile up; memory stays at the read-ahead window and everything is published once it returns.
    @Test func longOutageBacklogIsPublishedCompletely() async throws {
        let server = NATSServer(port: 27003)
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 500))
        let connection = connection(server)
        let publisher = publisher(sink, directory, backend: backend(connection))
        let task = Task { try await publisher.run() }
        await MQALFixtures.emitAsync(0..<4000, into: sink)
        try await Task.sleep(for: .milliseconds(500))
        #expect(publisher.status.cursor == 0)
        #expect(publisher.status.lag == 4000)
        #expect(publisher.status.lastError != nil)
        try await server.start()
        defer { server.stop() }
        #expect(try await MQALFixtures.eventually(.seconds(30)) { publisher.status.cursor == 4000 }, "\(publisher.status)")
        task.cancel()
        try await task.value
        await MQALFixtures.close(sink)
        await connection.close()
        try await expectStreamHoldsChain(server, directory: directory, count: 4000)
    }
}
