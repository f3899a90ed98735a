public import Records
import Synchronization

/// Keeps every emitted session in memory, in emit order; for tests. Thread-safe.
public final class InMemoryRecordSink: RecordSink {
    private let sessions = Mutex<[SessionRecords]>([])
    private let journal = Mutex<[[LiveSessionJournalEntry]]>([])

    /// Creates an empty sink.
    public init() {}

    /// Stores the session's records.
    public func emit(_ records: SessionRecords) {
        sessions.withLock { $0.append(records) }
    }

    /// Keeps the live-session snapshot, in order.
    public func updateJournal(_ entries: [LiveSessionJournalEntry]) {
        journal.withLock { $0.append(entries) }
    }

    /// Every live-session snapshot handed over so far, oldest first.
    public var journalSnapshots: [[LiveSessionJournalEntry]] {
        journal.withLock { $0 }
    }

    /// Every session emitted so far.
    public var emitted: [SessionRecords] {
        sessions.withLock { $0 }
    }

    /// Every CDR emitted so far.
    public var cdrs: [CallDetailRecord] {
        emitted.map(\.cdr)
    }

    /// Every attempt record emitted so far.
    public var attempts: [AttemptRecord] {
        emitted.flatMap(\.attempts)
    }
}
