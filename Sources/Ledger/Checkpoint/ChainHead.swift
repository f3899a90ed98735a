/// A chain's Merkle tree head: how many records it covers and their root.
public struct ChainHead: Hashable, Sendable {
    /// The number of records (leaves) covered.
    public var size: UInt64
    /// The RFC 9162 root over the first `size` records.
    public var root: LedgerHash

    /// A head of `size` leaves with `root`.
    public init(size: UInt64, root: LedgerHash) {
        self.size = size
        self.root = root
    }

    /// The head of a chain with no records: size 0, root `SHA-256("")`.
    public static let empty = ChainHead(size: 0, root: MerkleHashing.emptyRoot)
}
