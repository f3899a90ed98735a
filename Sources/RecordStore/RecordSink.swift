public import Records

/// Where finished sessions' records go. `emit` is called on event loops and must not wait for disk I/O.
public protocol RecordSink: Sendable {
    /// Hands over one session's records; returns without waiting for them to be written.
    func emit(_ records: SessionRecords)

    /// Waits until everything emitted so far is written; used at shutdown. Never call it on an event loop.
    func flush()

    /// Hands over the crash journal's changes since the last call (answered sessions that started or ended); called
    /// every harvest interval on the node's event loop, also with no change, and must not wait for disk I/O.
    func updateJournal(_ changes: [LiveSessionJournalChange])
}

extension RecordSink {
    /// Sinks that write synchronously have nothing to wait for.
    public func flush() {}

    /// Sinks without a crash journal ignore the changes.
    public func updateJournal(_ changes: [LiveSessionJournalChange]) {}
}
