import Foundation
import RecordStore
import Synchronization
import Testing
@testable import MQAL

/// Fails every publish of the seqs in `failing` until `heal()`; counts publish calls and their sizes.
final class FlakyBackend: StreamBackend {
    let inner: LocalBackend
    let name = "local"
    let destination: String
    let maxInFlight = 64
    private let state = Mutex<(failing: Set<UInt64>, batches: [Int])>(([], []))

    init(dataDirectory: String, kind: String, failing: Set<UInt64>) {
        inner = LocalBackend(dataDirectory: dataDirectory, kind: kind)
        destination = kind
        state.withLock { $0.failing = failing }
    }

    func heal() { state.withLock { $0.failing = [] } }
    var batches: [Int] { state.withLock { $0.batches } }

    func ensure() async throws(StreamError) { try await inner.ensure() }

    func publish(_ messages: [OutboundMessage]) async -> [Result<StreamAck, StreamError>] {
        let failing = state.withLock { state in
            state.batches.append(messages.count)
            return state.failing
        }
        let passing = messages.filter { !failing.contains($0.seq) }
        var acks = await inner.publish(passing).makeIterator()
        return messages.map { message in
            failing.contains(message.seq)
                ? .failure(StreamError(.unavailable, reason: "injected"))
                : acks.next() ?? .failure(StreamError(.unavailable, reason: "missing"))
        }
    }

    func close() async { await inner.close() }
}

@Suite struct StreamPublisherTests {
    private let fast = PublisherOptions(readAhead: 100, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))

    private func publisher(_ sink: JSONLinesRecordSink, _ directory: String, kind: String, backend: any StreamBackend) -> StreamPublisher {
        StreamPublisher(kind: kind, dataDirectory: directory, backend: backend, options: fast) {
            sink.durableSequences[kind] ?? 0
        }
    }

    // The service follows the sink's durability reports; the local stream ends up with every chain line once.
    @Test func streamsEveryDurableRecordOnceInOrder() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 50))
        let publishers = StreamPublishers(["cdr", "attempt"].map {
            publisher(sink, directory, kind: $0, backend: LocalBackend(dataDirectory: directory, kind: $0))
        })
        publishers.attach(to: sink)
        let tasks = publishers.publishers.map { publisher in Task { try await publisher.run() } }
        for round in 0..<5 {
            await MQALFixtures.emitAsync(round * 60..<(round + 1) * 60, into: sink)
        }
        let done = try await MQALFixtures.eventually {
            publishers.statuses.allSatisfy { $0.cursor == 300 && $0.lag == 0 }
        }
        #expect(done, "statuses: \(publishers.statuses)")
        for task in tasks { task.cancel() }
        for task in tasks { try await task.value }
        await MQALFixtures.close(sink)
        for kind in ["cdr", "attempt"] {
            let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: kind)
            let lines = try MQALFixtures.chainLines(directory, kind: kind)
            #expect(entries.map { String(decoding: $0.body, as: UTF8.self) } == lines)
            #expect(entries.map(\.messageID) == (1...300).map { "n1.\(kind).\($0)" })
            try ChainCheck.verify(entries.map(\.body))
        }
    }

    // The cursor file is written at most every `cursorInterval` while records stream, and still catches up with
    // the acknowledged records when no new record comes to wake the publisher.
    @Test func theCursorIsWrittenAtMostOncePerIntervalAndCatchesUp() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory)
        var options = fast
        options.cursorInterval = .seconds(2)
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        let publisher = StreamPublisher(kind: "cdr", dataDirectory: directory, backend: backend, options: options) {
            sink.durableSequences["cdr"] ?? 0
        }
        let publishers = StreamPublishers([publisher])
        publishers.attach(to: sink)
        let task = Task { try await publisher.run() }
        for round in 0..<5 {
            await MQALFixtures.emitAsync(round * 60..<(round + 1) * 60, into: sink)
        }
        let file = CursorFile(dataDirectory: directory, backend: "local", destination: "cdr", kind: "cdr")
        let acknowledged = try await MQALFixtures.eventually { publisher.status.acknowledged >= 300 }
        #expect(acknowledged, "status: \(publisher.status)")
        // Every record is acknowledged, and the file still holds an earlier cursor: it was written at the first ack.
        let early = try file.load()
        #expect(early > 0 && early < 300)
        #expect(publisher.status.cursor == early)
        // No new record: the publisher wakes itself once the interval has passed and writes the cursor.
        let caughtUp = try await MQALFixtures.eventually { (try? file.load()) == 300 }
        #expect(caughtUp)
        #expect(publisher.status.cursor == 300 && publisher.status.lag == 0)
        task.cancel()
        try await task.value
        await MQALFixtures.close(sink)
    }

    // A record that keeps failing holds the cursor (records after it are acknowledged but not counted), the
    // publisher probes with one record while failing, and after healing everything arrives exactly once.
    @Test func aFailingRecordHoldsTheCursorUntilItIsAcknowledged() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory)
        await MQALFixtures.emitAsync(0..<40, into: sink)
        let backend = FlakyBackend(dataDirectory: directory, kind: "cdr", failing: [5])
        let publisher = publisher(sink, directory, kind: "cdr", backend: backend)
        var status = await publisher.publishDurable(timeout: .milliseconds(300))
        #expect(status.cursor == 4)
        #expect(status.lag == 36)
        #expect(status.lastError?.hasPrefix("unavailable") == true, "\(status)")
        #expect(!status.available)
        #expect(try CursorFile(dataDirectory: directory, backend: "local", destination: "cdr", kind: "cdr").load() == 4)
        // After the first failure only the oldest pending record is tried.
        #expect(backend.batches.first == 40)
        #expect(backend.batches.dropFirst().allSatisfy { $0 == 1 })
        backend.heal()
        status = await publisher.publishDurable(timeout: .seconds(5))
        #expect(status.cursor == 40)
        #expect(status.lag == 0)
        #expect(status.lastError == nil)
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(Set(entries.map(\.messageID)).count == 40)
        #expect(entries.count == 40)
        await MQALFixtures.close(sink)
    }

    // A new sink and publisher over the same directory (a restart) continue from the persisted cursor; a cursor
    // that lags behind what the stream holds (a crash between ack and cursor write) adds no duplicates.
    @Test func restartResumesFromTheCursorWithoutDuplicates() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let sink = try MQALFixtures.sink(directory)
            await MQALFixtures.emitAsync(0..<50, into: sink)
            let status = await publisher(sink, directory, kind: "cdr", backend: LocalBackend(dataDirectory: directory, kind: "cdr"))
                .publishDurable(timeout: .seconds(5))
            #expect(status.cursor == 50)
            await MQALFixtures.close(sink)
        }
        // The crash: the stream has 50, the cursor only says 30.
        try CursorFile(dataDirectory: directory, backend: "local", destination: "cdr", kind: "cdr").store(30)
        let sink = try MQALFixtures.sink(directory)
        await MQALFixtures.emitAsync(50..<80, into: sink)
        let status = await publisher(sink, directory, kind: "cdr", backend: LocalBackend(dataDirectory: directory, kind: "cdr"))
            .publishDurable(timeout: .seconds(5))
        #expect(status.cursor == 80)
        #expect(status.acknowledged == 50)  // 20 repeats acknowledged as duplicates, 30 new
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.map(\.messageID) == (1...80).map { "n1.cdr.\($0)" })
        #expect(entries.map { String(decoding: $0.body, as: UTF8.self) } == (try MQALFixtures.chainLines(directory, kind: "cdr")))
        await MQALFixtures.close(sink)
    }
}
