import Foundation
@testable import RecordStore
import Records
import Synchronization
import Testing

@Suite struct JSONLinesRecordSinkTests {
    @Test func writesEveryRecordFromManyThreadsAsParseableLines() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = Mutex<[RecordSinkError]>([])
        let sink = try JSONLinesRecordSink(
            dataDirectory: directory, nodeID: "n1", onError: { error in errors.withLock { $0.append(error) } }
        )
        let sessions = 2_000
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in stride(from: thread, to: sessions, by: 8) {
                sink.emit(RecordFixtures.session(index: index, attempts: 2))
            }
        }
        sink.flush()
        #expect(sink.counters.written == sessions * 3)
        #expect(sink.counters.pending == 0)
        sink.close()

        let cdrLines = try RecordFixtures.lines(ofFile: sink.cdrFilePath)
        let attemptLines = try RecordFixtures.lines(ofFile: sink.attemptFilePath)
        #expect(cdrLines.count == sessions)
        #expect(attemptLines.count == sessions * 2)
        let cdrs = try cdrLines.map(RecordFixtures.parse)
        let attempts = try attemptLines.map(RecordFixtures.parse)
        #expect(cdrs.allSatisfy { $0["kind"] as? String == "cdr" && $0["node"] as? String == "n1" })
        #expect(attempts.allSatisfy { $0["kind"] as? String == "attempt" && $0["node"] as? String == "n1" })
        #expect(Set(cdrs.compactMap { $0["session_id"] as? String }).count == sessions)
        #expect(Set(attempts.compactMap { $0["id"] as? String }).count == sessions * 2)
        #expect(cdrs.first?["final_reason"] as? String == "OK \"quoted\"\n")
        #expect(errors.withLock { $0.isEmpty })
    }

    @Test func linesAreTheRecordsCanonicalBytes() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        let session = RecordFixtures.session(index: 7, attempts: 1)
        sink.emit(session)
        sink.close()
        let cdrBytes = try Data(contentsOf: URL(fileURLWithPath: sink.cdrFilePath))
        let attemptBytes = try Data(contentsOf: URL(fileURLWithPath: sink.attemptFilePath))
        // The record's canonical fields, sealed as seq 1 of each chain.
        #expect(Array(cdrBytes) == LedgerFixtures.sealedLines([session.cdr]))
        #expect(Array(attemptBytes) == LedgerFixtures.sealedLines(session.attempts))
    }

    @Test func filesAreNamedByKindNodeAndStartTimeAndNeverShared() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualMicrosecondClock(1_709_294_400_123_456)
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "edge-1", clock: clock)
        first.close()
        let second = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "edge-1", clock: clock)
        second.close()
        #expect(first.cdrFilePath == directory + "/cdr/cdr-edge-1-20240301T120000.jsonl")
        #expect(first.attemptFilePath == directory + "/attempt/attempt-edge-1-20240301T120000.jsonl")
        #expect(first.auditFilePath == directory + "/audit/audit-edge-1-20240301T120000.jsonl")
        #expect(first.checkpointFilePath == directory + "/checkpoint/checkpoint-edge-1-20240301T120000.jsonl")
        #expect(second.cdrFilePath == directory + "/cdr/cdr-edge-1-20240301T120000-2.jsonl")
        #expect(FileManager.default.fileExists(atPath: second.attemptFilePath))
    }

    @Test func emitReturnsWhileTheDiskIsStalled() throws {
        let gate = Gate(open: false)
        let cdrFile = FakeRecordFile(path: "cdr", gate: gate)
        let attemptFile = FakeRecordFile(path: "attempt", gate: gate)
        let sink = try LedgerFixtures.sink(cdrFile: cdrFile, attemptFile: attemptFile, capacity: 100_000, onError: { _ in })
        for index in 0..<1_000 {
            sink.emit(RecordFixtures.session(index: index, attempts: 1))
        }
        // Every emit returned although not one byte could be written.
        #expect(sink.counters.accepted == 2_000)
        #expect(sink.counters.written == 0)
        #expect(sink.flush(timeout: .milliseconds(50)) == false)
        gate.openGate()
        sink.flush()
        #expect(sink.counters.written == 2_000)
        #expect(cdrFile.text.split(separator: "\n").count == 1_000)
        #expect(attemptFile.text.split(separator: "\n").count == 1_000)
        sink.close()
        #expect(cdrFile.snapshot.closed)
    }

    @Test func emitBlocksAtCapacityInsteadOfDropping() throws {
        let gate = Gate(open: false)
        let cdrFile = FakeRecordFile(path: "cdr", gate: gate)
        let sink = try LedgerFixtures.sink(cdrFile: cdrFile, attemptFile: FakeRecordFile(path: "attempt"), capacity: 10, onError: { _ in }
        )
        let returned = Mutex(0)
        let emitter = Thread {
            for index in 0..<25 {
                sink.emit(RecordFixtures.session(index: index, attempts: 0))
                returned.withLock { $0 += 1 }
            }
        }
        emitter.start()
        #expect(RecordFixtures.eventually { sink.counters.accepted == 10 })
        usleep(100_000)
        #expect(returned.withLock { $0 } == 10)
        #expect(sink.counters.pending == 10)
        gate.openGate()
        #expect(RecordFixtures.eventually { returned.withLock { $0 } == 25 })
        sink.close()
        #expect(sink.counters.written == 25)
        #expect(sink.counters.dropped == 0)
        #expect(cdrFile.text.split(separator: "\n").count == 25)
    }

    @Test func failedWritesAreReportedCountedAndRetriedWithoutLossOrDuplicates() throws {
        let errors = Mutex<[RecordSinkError]>([])
        // Short writes of 100 bytes, and calls 2, 3 and 7 fail: lines are split across retries.
        let cdrFile = FakeRecordFile(path: "cdr", failingCalls: [2, 3, 7], maximumWrite: 100)
        let sink = try LedgerFixtures.sink(cdrFile: cdrFile, attemptFile: FakeRecordFile(path: "attempt"), capacity: 1_000,
            retryBackoffMicroseconds: 1_000, onError: { error in errors.withLock { $0.append(error) } }
        )
        let sessions = (0..<5).map { RecordFixtures.session(index: $0, attempts: 1) }
        for session in sessions {
            sink.emit(session)
        }
        #expect(sink.flush(timeout: .seconds(10)))
        sink.close()
        #expect(errors.withLock { $0.map(\.code) } == [.writeFailed, .writeFailed, .writeFailed])
        #expect(sink.counters.failedWrites == 3)
        #expect(sink.counters.written == 10)
        let expected = LedgerFixtures.sealedLines(sessions.map(\.cdr))
        #expect(Array(cdrFile.text.utf8) == expected)
    }

    @Test func closeWritesEverythingPendingAndLaterEmitsAreReported() throws {
        let errors = Mutex<[RecordSinkError]>([])
        let cdrFile = FakeRecordFile(path: "cdr")
        let sink = try LedgerFixtures.sink(cdrFile: cdrFile, attemptFile: FakeRecordFile(path: "attempt"), capacity: 1_000,
            onError: { error in errors.withLock { $0.append(error) } }
        )
        for index in 0..<300 {
            sink.emit(RecordFixtures.session(index: index, attempts: 0))
        }
        sink.close()
        #expect(cdrFile.text.split(separator: "\n").count == 300)
        #expect(cdrFile.snapshot.syncs >= 1)
        sink.emit(RecordFixtures.session(index: 300, attempts: 2))
        #expect(sink.counters.dropped == 3)
        #expect(errors.withLock { $0.map(\.code) } == [.closed])
    }

    @Test func uncreatableDataDirectoryIsATypedErrorAtStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blocker = directory + "/not-a-directory"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: blocker + "/data", nodeID: "n1")
        }
        #expect(error?.code == .dataDirectoryUnavailable)
    }

    @Test(arguments: ["", "../n1", "a/b", ".hidden", "node 1"])
    func nodeIDsThatAreNotFileNameSafeAreRejected(nodeID: String) throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: nodeID)
        }
        #expect(error?.code == .invalidNodeID)
    }
}
