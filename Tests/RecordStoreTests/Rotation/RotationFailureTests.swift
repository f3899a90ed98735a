import Foundation
@testable import RecordStore
import Records
import Synchronization
import Testing

/// A rotation that cannot open or name the next file is a failed local write (issue 4: open errors count): the
/// records already written stay durable in the current file, and repeated failures restrict the node like failed
/// writes do, until rotation works again.
@Suite struct RotationFailureTests {
    @Test func aRotationThatCannotOpenTheNextFileCountsTowardsRestrictionWithoutLosingRecords() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let changes = Mutex<[Bool]>([])
        let errors = Mutex<[RecordSinkError]>([])
        let sink = try RotationTests.sink(
            directory: directory,
            rotation: RotationPolicy(maxRecords: 2),
            restriction: RestrictionOptions(
                failures: 3, probeSuccesses: 3, harvestInterval: .milliseconds(5),
                onRestrictionChange: { restricted in changes.withLock { $0.append(restricted) } }
            ),
            onError: { error in errors.withLock { $0.append(error) } }
        )
        sink.emit(RecordFixtures.session(index: 0, attempts: 0))
        #expect(sink.flush(timeout: .seconds(5)))

        // The cdr folder disappears under the open current file: its writes and fsyncs still succeed, but the
        // pre-opened next file can no longer be named, nor a new one created.
        let folder = directory + "/cdr"
        try FileManager.default.removeItem(atPath: folder)
        sink.emit(RecordFixtures.session(index: 1, attempts: 0))
        #expect(sink.flush(timeout: .seconds(5)))
        #expect(RecordFixtures.eventually { sink.isRestricted })
        #expect(changes.withLock { $0 } == [true])
        // Both CDRs were written and fsynced before the rotation was attempted: durable, not held, not dropped.
        #expect(sink.durableSequences["cdr"] == 2)
        #expect(sink.counters.pending == 0)
        #expect(sink.counters.dropped == 0)
        #expect(errors.withLock { $0 }.allSatisfy { $0.code == .fileOpenFailed }, "\(errors.withLock { $0 })")

        // Once the folder can take files again the rotation succeeds, probes pass and the node leaves restriction.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(RecordFixtures.eventually { !sink.isRestricted })
        #expect(changes.withLock { $0 } == [true, false])
        sink.emit(RecordFixtures.session(index: 2, attempts: 0))
        #expect(sink.flush(timeout: .seconds(5)))
        #expect(sink.durableSequences["cdr"] == 3)
        sink.close()

        let audits = try LedgerFixtures.chain("audit", in: directory).map(\.json)
        let started = audits.filter { $0["event"] as? String == "restriction_started" }
        #expect(started.count == 1, "\(audits)")
        #expect(started.first?["error_code"] as? String == "fileOpenFailed", "\(audits)")
        #expect(audits.contains { $0["event"] as? String == "restriction_ended" && $0["released_by"] as? String == "probe" }, "\(audits)")
        // The record written after the recovery is in a file of the recreated folder, continuing the chain at seq 3.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.filter { $0.hasSuffix("-3.jsonl") }.count == 1, "\(names)")
    }
}
