public import Records

/// Where finished sessions' records go. `emit` is called on event loops and must not wait for disk I/O.
public protocol RecordSink: Sendable {
    /// Hands over one session's records; returns without waiting for them to be written.
    func emit(_ records: SessionRecords)

    /// Waits until everything emitted so far is written; used at shutdown. Never call it on an event loop.
    func flush()

    /// Hands over the answered sessions live now, for the crash journal; called every harvest interval on the
    /// node's event loop and must not wait for disk I/O.
    func updateJournal(_ entries: [LiveSessionJournalEntry])
}

extension RecordSink {
    /// Sinks that write synchronously have nothing to wait for.
    public func flush() {}

    /// Sinks without a crash journal ignore the snapshot.
    public func updateJournal(_ entries: [LiveSessionJournalEntry]) {}
}
