/// The publish cursor as a value: the highest `seq` such that every record up to it is acknowledged.
///
/// Acknowledgements may arrive out of order (pipelined publishes, a retried one in the middle); an ack above
/// a gap is remembered and counted once the gap closes. Pure: persisting the cursor is the publisher's job.
public struct CursorTracker: Sendable, Hashable {
    /// Every record with `seq <= committed` is acknowledged.
    public private(set) var committed: UInt64
    // Acknowledged seqs above `committed + 1`, waiting for the gap below them to close.
    private var ackedAbove: Set<UInt64> = []

    /// Starts after `committed` (the persisted cursor; 0 when nothing was published).
    public init(committed: UInt64) {
        self.committed = committed
    }

    /// Records the acknowledgement of `seq`; returns whether `committed` moved.
    @discardableResult
    public mutating func acknowledge(_ seq: UInt64) -> Bool {
        guard seq > committed else { return false }  // a repeat of something already counted
        guard seq == committed + 1 else {
            ackedAbove.insert(seq)
            return false
        }
        committed = seq
        while ackedAbove.remove(committed + 1) != nil {
            committed += 1
        }
        return true
    }

    /// Whether `seq` is acknowledged (at or below the cursor, or above a gap).
    public func isAcknowledged(_ seq: UInt64) -> Bool {
        seq <= committed || ackedAbove.contains(seq)
    }

    /// Acknowledged records above the gap, not yet covered by `committed`.
    public var acknowledgedAboveGap: Int {
        ackedAbove.count
    }
}
