/// A snapshot of a record sink's counters, in records (a session with two attempts counts 3).
public struct RecordSinkCounters: Sendable, Equatable {
    /// Records accepted by `emit`.
    public var accepted: Int
    /// Records written to their files.
    public var written: Int
    /// Records accepted and not yet written (queued or being retried).
    public var pending: Int
    /// Failed `write(2)`/`fsync(2)` calls; failed writes are retried.
    public var failedWrites: Int
    /// Records refused because they were emitted after `close()`.
    public var dropped: Int
}
