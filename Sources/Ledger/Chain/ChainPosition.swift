/// Where a chain continues: the `seq` of the next record and the `hash` of the last one.
public struct ChainPosition: Hashable, Sendable {
    /// The `seq` the next sealed record gets.
    public var nextSeq: UInt64
    /// The `hash` of the last record, which becomes the next record's `prev_hash`.
    public var lastHash: LedgerHash

    /// A position after `lastHash`, with `nextSeq` the following record's sequence number.
    public init(nextSeq: UInt64, lastHash: LedgerHash) {
        self.nextSeq = nextSeq
        self.lastHash = lastHash
    }

    /// An empty chain: the first record gets `seq` 1 and `prev_hash` 64 zeros.
    public static let genesis = ChainPosition(nextSeq: 1, lastHash: .zero)
}
