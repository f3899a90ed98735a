public import Records
import Synchronization

/// Keeps every emitted session in memory, in emit order; for tests. Thread-safe.
public final class InMemoryRecordSink: RecordSink {
    private let sessions = Mutex<[SessionRecords]>([])
    private let journal = Mutex<(live: [String: LiveSessionJournalEntry], snapshots: [[LiveSessionJournalEntry]])>(([:], []))

    /// Creates an empty sink.
    public init() {}

    /// Stores the session's records.
    public func emit(_ records: SessionRecords) {
        sessions.withLock { $0.append(records) }
    }

    /// Applies the journal changes and keeps the live set they leave, in order.
    public func updateJournal(_ changes: [LiveSessionJournalChange]) {
        journal.withLock { journal in
            for change in changes {
                change.apply(to: &journal.live)
            }
            journal.snapshots.append(journal.live.values.sorted { $0.sessionID < $1.sessionID })
        }
    }

    /// The live set after each hand-over of journal changes, oldest first.
    public var journalSnapshots: [[LiveSessionJournalEntry]] {
        journal.withLock { $0.snapshots }
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
