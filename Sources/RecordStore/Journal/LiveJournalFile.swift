import Foundation
import Ledger
import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The crash journal on disk (docs/cdr-format.md, "Recovered CDRs"), outside the hash chains:
/// - `DATA/journal/live.json`: a snapshot, `{"generation":g,"sessions":[…],"time_us":t}`, replaced atomically;
/// - `DATA/journal/live.log`: the changes since that snapshot, one canonical JSON object a line, opened by
///   `{"generation":g}`, then `{"answered":{…}}`, `{"ended":"<session_id>"}` and `{"time_us":t}` lines.
/// A log whose generation is not the snapshot's is stale (a compaction wrote the snapshot and stopped before the
/// new log) and is ignored; a last line without its newline was torn by a crash and is ignored too.
enum LiveJournalFile {
    static let snapshotName = "live.json"
    static let logName = "live.log"

    static func folder(dataDirectory: String) -> String {
        dataDirectory + "/journal"
    }

    static func path(dataDirectory: String) -> String {
        folder(dataDirectory: dataDirectory) + "/" + snapshotName
    }

    static func logPath(dataDirectory: String) -> String {
        folder(dataDirectory: dataDirectory) + "/" + logName
    }

    /// The journal left by the previous run, its log replayed over its snapshot; nil when there is none. An
    /// unreadable journal is an error: the node must not start and silently drop the calls it lists.
    static func read(dataDirectory: String) throws(RecordSinkError) -> LiveSessionJournal? {
        let path = path(dataDirectory: dataDirectory)
        let logPath = logPath(dataDirectory: dataDirectory)
        let snapshotBytes = try contents(of: path)
        let logBytes = try contents(of: logPath)
        guard snapshotBytes != nil || logBytes != nil else { return nil }
        var journal = LiveSessionJournal(timeMicros: 0, sessions: [])
        if let snapshotBytes {
            guard let value = try? CanonicalJSONParser().parse(snapshotBytes),
                  let snapshot = LiveSessionJournal(canonicalJSON: value)
            else {
                throw unreadable("\(path) is not a live-session journal")
            }
            journal = snapshot
        }
        guard let logBytes else { return journal }
        var replay = LiveJournalReplay(journal)
        // Lines end with "\n"; what follows the last one was torn by a crash.
        var lines = logBytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        lines.removeLast()
        for (index, line) in lines.enumerated() {
            guard let value = try? CanonicalJSONParser().parse(Array(line)) else {
                throw unreadable("\(logPath) line \(index + 1) is not JSON")
            }
            if index == 0 {
                guard case .object(let fields) = value, case .integer(let generation)? = fields["generation"] else {
                    throw unreadable("\(logPath) does not start with its generation")
                }
                // Stale: the snapshot already holds everything this log says.
                guard generation == journal.generation else { return journal }
                continue
            }
            guard replay.apply(value) else {
                throw unreadable("\(logPath) line \(index + 1) is not a journal change")
            }
        }
        return replay.journal
    }

    /// Replaces the snapshot with `journal` (temporary file, fsync, rename, fsync of the folder).
    static func writeSnapshot(_ journal: LiveSessionJournal, dataDirectory: String) throws(RecordSinkError) {
        let folder = try createFolder(dataDirectory: dataDirectory)
        var bytes: [UInt8] = []
        journal.canonicalJSON().write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        try LedgerFileHandle.writeAtomically(bytes, directory: folder, name: snapshotName)
    }

    static func createFolder(dataDirectory: String) throws(RecordSinkError) -> String {
        let folder = folder(dataDirectory: dataDirectory)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RecordSinkError(.writeFailed, reason: "cannot create \(folder): \(error.localizedDescription)")
        }
        return folder
    }

    /// A journal the start cannot use. The one line an operator sees says what to do (docs/operations.md): the node
    /// refuses rather than drop the calls the journal may list.
    private static func unreadable(_ reason: String) -> RecordSinkError {
        RecordSinkError(
            .recoveryFailed,
            reason: reason + "; move live.json and live.log out of the journal folder to start without recovering the calls they list"
        )
    }

    private static func contents(of path: String) throws(RecordSinkError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw unreadable("cannot read \(path): \(error.localizedDescription)")
        }
    }
}

/// A journal with log lines applied to it, in order.
struct LiveJournalReplay {
    private var time: Int64
    private var live: [String: LiveSessionJournalEntry]
    private let generation: Int64

    init(_ journal: LiveSessionJournal) {
        time = journal.timeMicros
        generation = journal.generation
        live = Dictionary(journal.sessions.map { ($0.sessionID, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Applies one log line (a change or a time); false when it is not one the log holds.
    mutating func apply(_ line: CanonicalJSON) -> Bool {
        if case .object(let fields) = line, fields.count == 1, case .integer(let stamp)? = fields["time_us"] {
            time = max(time, stamp)
            return true
        }
        guard let change = LiveSessionJournalChange(canonicalJSON: line) else { return false }
        change.apply(to: &live)
        return true
    }

    var journal: LiveSessionJournal {
        LiveSessionJournal(timeMicros: time, sessions: live.values.sorted { $0.sessionID < $1.sessionID }, generation: generation)
    }
}

/// Builds the records of sessions the journal lists and the CDR chain does not: the call was up when the node died.
enum JournalRecovery {
    /// The recovered sessions' records: final code 200, released by the node, cause `node_failure`,
    /// ended at the journal's time, with one answered attempt.
    static func records(
        for journal: LiveSessionJournal,
        excluding recordedSessionIDs: Set<String>,
        nodeID: String,
        makeRecordID: () -> String = RecordID.random
    ) -> [SessionRecords] {
        var seen = recordedSessionIDs
        var result: [SessionRecords] = []
        for entry in journal.sessions where !seen.contains(entry.sessionID) {
            seen.insert(entry.sessionID)
            let end = max(journal.timeMicros, entry.answerMicros)
            let cdrID = makeRecordID()
            let cdr = CallDetailRecord(
                recordID: cdrID,
                nodeID: nodeID,
                service: .voice,
                sessionID: entry.sessionID,
                setupMicros: entry.setupMicros,
                firstProvisionalMicros: nil,
                firstRingingMicros: nil,
                answerMicros: entry.answerMicros,
                ackMicros: nil,
                endMicros: end,
                finalCode: 200,
                finalReason: nil,
                q850Cause: nil,
                q850Text: nil,
                releasedBy: .node,
                releaseCause: .nodeFailure,
                customerID: entry.customerID,
                providerID: entry.providerID,
                attempts: 1,
                aLeg: CallLeg(callID: entry.aCallID),
                bLeg: entry.bCallID.map { CallLeg(callID: $0) },
                recovered: true
            )
            var attempts: [AttemptRecord] = []
            if let providerID = entry.providerID {
                attempts.append(
                    AttemptRecord(
                        recordID: makeRecordID(),
                        nodeID: nodeID,
                        sessionID: entry.sessionID,
                        cdrRecordID: cdrID,
                        attemptNumber: 1,
                        providerID: providerID,
                        bLegCallID: entry.bCallID,
                        destination: entry.destination ?? providerID,
                        startMicros: entry.setupMicros,
                        endMicros: end,
                        responseCode: 200,
                        reason: nil,
                        outcome: .answered
                    )
                )
            }
            result.append(SessionRecords(cdr: cdr, attempts: attempts))
        }
        return result
    }
}
