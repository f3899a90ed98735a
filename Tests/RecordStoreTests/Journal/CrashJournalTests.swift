import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

/// The crash journal on real files: changes written by the writer, and CDRs recovered from a journal at start.
@Suite struct CrashJournalTests {
    static func entry(_ index: Int) -> LiveSessionJournalEntry {
        LiveSessionJournalEntry(
            sessionID: "s-\(index)", nodeID: "n1", customerID: "c1", providerID: "p1",
            setupMicros: 1_000_000 + Int64(index), answerMicros: 2_000_000 + Int64(index),
            aCallID: "a-\(index)", bCallID: "b-\(index)", destination: "udp:127.0.0.1:5080"
        )
    }

    static func readJournal(_ directory: String) throws -> LiveSessionJournal? {
        try LiveJournalFile.read(dataDirectory: directory)
    }

    @Test func entryRoundTripsThroughCanonicalJSON() throws {
        let journal = LiveSessionJournal(timeMicros: 9, sessions: [Self.entry(1), Self.entry(2)])
        var bytes: [UInt8] = []
        journal.canonicalJSON().write(into: &bytes)
        let parsed = try CanonicalJSONParser().parseCanonical(bytes)
        #expect(LiveSessionJournal(canonicalJSON: parsed) == journal)
        let sparse = LiveSessionJournalEntry(
            sessionID: "s", nodeID: "n1", customerID: "c1", providerID: nil, setupMicros: 1, answerMicros: 2,
            aCallID: "a", bCallID: nil
        )
        guard case .object(let fields) = sparse.canonicalJSON() else {
            Issue.record("not an object")
            return
        }
        #expect(fields["provider_id"] == nil && fields["b_call_id"] == nil && fields["destination"] == nil)
    }

    @Test func sinkWritesTheChangesAndDropsEndedSessions() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        sink.configureRestriction(RestrictionOptions(harvestInterval: .milliseconds(10)))
        sink.updateJournal([.answered(Self.entry(1)), .answered(Self.entry(2))])
        #expect(RecordFixtures.eventually { (try? Self.readJournal(directory))?.sessions.count == 2 })
        sink.emit(RecordFixtures.session(index: 1, attempts: 1))
        sink.updateJournal([.ended(sessionID: "s-1")])
        #expect(RecordFixtures.eventually { (try? Self.readJournal(directory))?.sessions.map(\.sessionID) == ["s-2"] })
        // The CDR of the session that left the journal is on disk first.
        let cdrs = try LedgerFixtures.chain("cdr", in: directory)
        #expect(cdrs.contains { $0.json["session_id"] as? String == "s-1" })
        sink.close()
        _ = try LedgerVerifier(dataDirectory: directory).verify()
    }

    @Test func startRecoversJournaledSessionsWithoutACDR() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A previous run: session s-2 ended normally (its CDR is chained), s-1 and s-3 were up when it died.
        do {
            let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
            sink.emit(RecordFixtures.session(index: 2, attempts: 1))
            sink.close()
        }
        // The journal written by hand, as the crashed node left it.
        let journal = LiveSessionJournal(timeMicros: 7_000_000, sessions: [Self.entry(1), Self.entry(2), Self.entry(3)])
        try LiveJournalFile.writeSnapshot(journal, dataDirectory: directory)

        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        sink.close()

        let cdrs = try LedgerFixtures.chain("cdr", in: directory)
        let bySession = Dictionary(grouping: cdrs) { $0.json["session_id"] as? String ?? "" }
        #expect(bySession.keys.sorted() == ["s-1", "s-2", "s-3"])
        #expect(bySession.values.allSatisfy { $0.count == 1 })
        #expect(bySession["s-2"]?.first?.json["recovered"] == nil)
        for id in ["s-1", "s-3"] {
            let cdr = try #require(bySession[id]?.first?.json)
            #expect(cdr["recovered"] as? Bool == true)
            #expect(cdr["release_cause"] as? String == "node_failure")
            #expect(cdr["released_by"] as? String == "node")
            #expect(cdr["final_code"] as? Int == 200)
            #expect(cdr["end_us"] as? Int == 7_000_000)
            #expect(cdr["customer_id"] as? String == "c1")
            #expect(cdr["provider_id"] as? String == "p1")
            #expect(cdr["attempts"] as? Int == 1)
            let index = id == "s-1" ? 1 : 3
            #expect(cdr["answer_us"] as? Int == 2_000_000 + index)
            #expect(cdr["duration_ms"] as? Int == (7_000_000 - 2_000_000 - index) / 1_000)
            #expect((cdr["a_leg"] as? [String: Any])?["call_id"] as? String == "a-\(index)")
            #expect((cdr["b_leg"] as? [String: Any])?["call_id"] as? String == "b-\(index)")
        }
        let attempts = try LedgerFixtures.chain("attempt", in: directory)
        #expect(attempts.filter { ["s-1", "s-3"].contains($0.json["session_id"] as? String ?? "") }.count == 2)
        let audits = try LedgerFixtures.chain("audit", in: directory)
        let recovered = audits.filter { $0.json["event"] as? String == "sessions_recovered" }
        #expect(recovered.count == 1)
        #expect(recovered.first?.json["count"] as? Int == 2)
        // The journal was replaced with an empty one, so a second start recovers nothing again.
        #expect(try Self.readJournal(directory)?.sessions == [])
        let again = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        again.close()
        #expect(try LedgerFixtures.chain("cdr", in: directory).count == 3)

        let report = try LedgerVerifier(dataDirectory: directory).verify()
        #expect(report.chains.first { $0.kind == "cdr" }?.records == 3)
    }

    @Test func unreadableJournalStopsTheStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/journal", withIntermediateDirectories: true)
        try Data("{\"time_us\":".utf8).write(to: URL(fileURLWithPath: directory + "/journal/live.json"))
        do {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
            Issue.record("a damaged journal was accepted")
        } catch {
            #expect(error.code == .recoveryFailed)
            // One line naming the file and what the operator can do.
            #expect(error.description.contains(directory + "/journal/live.json"), "\(error)")
            #expect(error.description.contains("to start without recovering the calls they list"), "\(error)")
            #expect(!error.description.contains("\n"), "\(error)")
        }
        // The journal is kept as it was: evidence, not repaired.
        #expect(try String(contentsOfFile: directory + "/journal/live.json", encoding: .utf8) == "{\"time_us\":")
    }
}
