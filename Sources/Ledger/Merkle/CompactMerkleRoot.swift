/// The root of an append-only RFC 9162 tree in O(log n) memory: one perfect subtree per set bit of the size.
public struct CompactMerkleRoot: Sendable {
    // Perfect subtrees, oldest (largest) first, with their heights (log2 of their leaf counts).
    private var stack: [(height: Int, hash: LedgerHash)] = []

    /// The number of leaves appended.
    public private(set) var size: UInt64 = 0

    /// An empty tree.
    public init() {}

    /// Appends one leaf whose data is the 32 bytes of a record's chain hash.
    public mutating func append(recordHash: LedgerHash) {
        appendLeafHash(MerkleHashing.leafHash(recordHash))
    }

    /// Appends a leaf given its leaf hash `SHA-256(0x00 || data)`.
    public mutating func appendLeafHash(_ leafHash: LedgerHash) {
        var hash = leafHash
        var height = 0
        while let last = stack.last, last.height == height {
            stack.removeLast()
            hash = MerkleHashing.nodeHash(last.hash, hash)
            height += 1
        }
        stack.append((height, hash))
        size += 1
    }

    /// The root over all leaves (`SHA-256("")` when empty).
    public var root: LedgerHash {
        guard var result = stack.last?.hash else { return MerkleHashing.emptyRoot }
        for entry in stack.dropLast().reversed() {
            result = MerkleHashing.nodeHash(entry.hash, result)
        }
        return result
    }

    /// The head (size and root) of the tree.
    public var head: ChainHead { ChainHead(size: size, root: root) }
}
