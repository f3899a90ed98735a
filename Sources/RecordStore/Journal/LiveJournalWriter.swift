import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The record writer's side of the crash journal (`LiveJournalFile` describes the files).
///
/// Each harvest cycle appends that cycle's changes and a time line to `live.log` with one write and one fsync, so
/// the cost follows the calls that start and end, not the calls that are up (rewriting the whole set each cycle
/// cost a third of a core and 14 MB/s of writes with 5,000 calls held). When the log has grown past twice the live
/// set (and at least `minimumCompactionLines`), the live set is written as a new snapshot and the log starts over.
/// Used only on the writer thread.
final class LiveJournalWriter {
    /// Below this many log lines the log is never compacted: a few hundred kilobytes at most.
    static let minimumCompactionLines = 4_096

    private let dataDirectory: String
    private var live: [String: LiveSessionJournalEntry] = [:]
    private var generation: Int64
    private var log: LedgerFileHandle?
    private var logLines = 0
    /// True when the files may not hold the live set (a write failed, or nothing was written yet): the next
    /// write is a snapshot.
    private var needsSnapshot = true

    /// A writer continuing after `generation` (the previous run's journal, 0 when there was none).
    init(dataDirectory: String, generation: Int64) {
        self.dataDirectory = dataDirectory
        self.generation = generation
    }

    deinit {
        log?.close()
    }

    /// Starts over with no live session at `time` (at start, once the sessions the previous run's journal listed
    /// have their CDRs on disk).
    func reset(at time: Int64) throws(RecordSinkError) {
        live.removeAll()
        try writeSnapshot(at: time)
    }

    /// Applies `changes` and makes them durable, stamped `time` (when the node last knew the live set).
    /// Nothing is written while no session is or was live. A failed write is thrown and the next call writes a
    /// snapshot instead, so the files catch up with the live set.
    func apply(_ changes: [LiveSessionJournalChange], at time: Int64) throws(RecordSinkError) {
        // Applied and encoded in one pass over the changes (each pass copied every change); the lines are unused
        // in the rare cycle that writes a snapshot instead. Written with literal keys into one buffer: building each
        // line as a `CanonicalJSON` dictionary and sorting it was most of this function's time.
        var lines = CanonicalLines(capacity: changes.count * Self.typicalLineBytes + Self.typicalLineBytes)
        for change in changes {
            change.apply(to: &live)
            lines.append(change)
        }
        if changes.isEmpty && live.isEmpty && !needsSnapshot { return }
        if needsSnapshot || log == nil || logLines + changes.count + 1 > max(Self.minimumCompactionLines, 2 * live.count) {
            try writeSnapshot(at: time)
            return
        }
        lines.append { $0.member("time_us", time) }
        var bytes = lines.finish()
        do throws(RecordSinkError) {
            guard let log else { return }
            try log.writeAll(&bytes)
            try log.sync()
            logLines += changes.count + 1
        } catch {
            failed()
            throw error
        }
    }

    // The live set as a new snapshot, then a new log of the same generation (each written atomically). A crash
    // between the two leaves the old log, whose generation no longer matches: the reader ignores it.
    private func writeSnapshot(at time: Int64) throws(RecordSinkError) {
        log?.close()
        log = nil
        generation += 1
        do throws(RecordSinkError) {
            let sessions = live.values.sorted { $0.sessionID < $1.sessionID }
            try LiveJournalFile.writeSnapshot(
                LiveSessionJournal(timeMicros: time, sessions: sessions, generation: generation), dataDirectory: dataDirectory
            )
            var headerLine = CanonicalLines(capacity: 32)
            headerLine.append { $0.member("generation", generation) }
            let header = headerLine.finish()
            let folder = LiveJournalFile.folder(dataDirectory: dataDirectory)
            try LedgerFileHandle.writeAtomically(header, directory: folder, name: LiveJournalFile.logName)
            let path = LiveJournalFile.logPath(dataDirectory: dataDirectory)
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw RecordSinkError(.fileOpenFailed, reason: "cannot open \(path): \(POSIXRecordFile.describe(errno))")
            }
            log = LedgerFileHandle(path: path, descriptor: descriptor)
            logLines = 1
            needsSnapshot = false
        } catch {
            failed()
            throw error
        }
    }

    private func failed() {
        log?.close()
        log = nil
        needsSnapshot = true
    }

    // An answered session's line with URIs and Call-IDs: the buffer rarely grows.
    private static let typicalLineBytes = 320
}
