import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

/// The crash journal's change log: appended per harvest cycle, replayed over the snapshot at start, compacted.
@Suite struct LiveJournalLogTests {
    static func entry(_ index: Int) -> LiveSessionJournalEntry {
        CrashJournalTests.entry(index)
    }

    static func snapshotGeneration(_ directory: String) throws -> Int64? {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: LiveJournalFile.path(dataDirectory: directory)))
        return LiveSessionJournal(canonicalJSON: try CanonicalJSONParser().parse(Array(bytes)))?.generation
    }

    static func logLines(_ directory: String) throws -> [String] {
        try String(contentsOfFile: LiveJournalFile.logPath(dataDirectory: directory), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func changesAreAppendedAndReplayedOverTheSnapshot() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        try writer.apply([.answered(Self.entry(1)), .answered(Self.entry(2))], at: 10)
        // The first write is a snapshot (generation 1) and an empty log of the same generation.
        #expect(try Self.snapshotGeneration(directory) == 1)
        #expect(try Self.logLines(directory) == [#"{"generation":1}"#])
        try writer.apply([.ended(sessionID: "s-1"), .answered(Self.entry(3))], at: 20)
        try writer.apply([], at: 30)
        // Later cycles only append: the snapshot is not rewritten while sessions are held.
        #expect(try Self.snapshotGeneration(directory) == 1)
        #expect(try Self.logLines(directory).count == 1 + 3 + 1)
        #expect(try Self.logLines(directory).last == #"{"time_us":30}"#)

        let journal = try #require(try LiveJournalFile.read(dataDirectory: directory))
        #expect(journal.sessions == [Self.entry(2), Self.entry(3)])
        #expect(journal.timeMicros == 30)
        #expect(journal.generation == 1)
    }

    @Test func anIdleJournalWritesNothing() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        try writer.apply([.answered(Self.entry(1))], at: 10)
        try writer.apply([.ended(sessionID: "s-1")], at: 20)
        let lines = try Self.logLines(directory)
        try writer.apply([], at: 30)
        try writer.apply([], at: 40)
        #expect(try Self.logLines(directory) == lines)
        #expect(try LiveJournalFile.read(dataDirectory: directory)?.sessions == [])
    }

    @Test func theLogIsCompactedIntoASnapshotWhenItOutgrowsTheLiveSet() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        try writer.apply([.answered(Self.entry(0))], at: 1)
        // 3,000 short calls that start and end, 100 a cycle, while call 0 stays up: 6,030 change and time lines.
        for cycle in 0..<30 {
            let calls = (cycle * 100 + 1)...(cycle * 100 + 100)
            try writer.apply(calls.map { .answered(Self.entry($0)) } + calls.map { .ended(sessionID: "s-\($0)") }, at: Int64(cycle + 2))
        }
        #expect(try Self.snapshotGeneration(directory) == 2)
        #expect(try Self.logLines(directory).count < LiveJournalWriter.minimumCompactionLines)
        let journal = try #require(try LiveJournalFile.read(dataDirectory: directory))
        #expect(journal.sessions == [Self.entry(0)])
        #expect(journal.timeMicros == 31)
    }

    @Test func aTornLastLineIsIgnoredAndAStaleLogToo() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        try writer.apply([.answered(Self.entry(1))], at: 10)
        try writer.apply([.answered(Self.entry(2))], at: 20)
        let log = try #require(FileHandle(forWritingAtPath: LiveJournalFile.logPath(dataDirectory: directory)))
        try log.seekToEnd()
        try log.write(contentsOf: Data(#"{"ended":"s-1"#.utf8))
        try log.close()
        #expect(try LiveJournalFile.read(dataDirectory: directory)?.sessions == [Self.entry(1), Self.entry(2)])

        // A compaction that wrote its snapshot (generation 2, only s-2) and died before replacing the log: the
        // log of generation 1 is already in the snapshot and must not bring s-1 back.
        try LiveJournalFile.writeSnapshot(LiveSessionJournal(timeMicros: 25, sessions: [Self.entry(2)], generation: 2), dataDirectory: directory)
        let journal = try LiveJournalFile.read(dataDirectory: directory)
        #expect(journal?.sessions == [Self.entry(2)])
        #expect(journal?.timeMicros == 25)
    }

    @Test func aDamagedCompleteLineStopsTheStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        try writer.apply([.answered(Self.entry(1))], at: 10)
        try writer.apply([.answered(Self.entry(2))], at: 20)
        let path = LiveJournalFile.logPath(dataDirectory: directory)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #""answered""#, with: #""answerd""#)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RecordSinkError.self) { try LiveJournalFile.read(dataDirectory: directory) }
        #expect(throws: RecordSinkError.self) { try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1") }
    }

    @Test func aSnapshotFromBeforeTheLogReadsAsGenerationZero() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/journal", withIntermediateDirectories: true)
        var bytes: [UInt8] = []
        CanonicalJSON.object(["time_us": .integer(7), "sessions": .array([Self.entry(1).canonicalJSON()])]).write(into: &bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: LiveJournalFile.path(dataDirectory: directory)))
        let journal = try LiveJournalFile.read(dataDirectory: directory)
        #expect(journal == LiveSessionJournal(timeMicros: 7, sessions: [Self.entry(1)], generation: 0))
    }

    @Test func theRestartAfterACrashRecoversWhatTheLogSays() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
            sink.configureRestriction(RestrictionOptions(harvestInterval: .milliseconds(10)))
            sink.updateJournal([.answered(Self.entry(1)), .answered(Self.entry(2))])
            sink.emit(RecordFixtures.session(index: 2, attempts: 1))
            sink.updateJournal([.ended(sessionID: "s-2")])
            #expect(RecordFixtures.eventually { (try? LiveJournalFile.read(dataDirectory: directory))?.sessions == [Self.entry(1)] })
            sink.close()
        }
        // The close left s-1 in the journal, as a crash would: the next start recovers it, and only it.
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        sink.close()
        let cdrs = try LedgerFixtures.chain("cdr", in: directory)
        #expect(cdrs.filter { $0.json["recovered"] as? Bool == true }.map { $0.json["session_id"] as? String } == ["s-1"])
        #expect(try LiveJournalFile.read(dataDirectory: directory)?.sessions == [])
    }
}
