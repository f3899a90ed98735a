/// An append-only RFC 9162 Merkle tree that keeps the hash of every perfect subtree, so
/// appending is O(log n) amortized and any root or proof is O(log n) lookups plus the ragged
/// right edge.
public struct MerkleTree: Sendable {
    // levels[l] holds, back to back, the 32-byte hashes of the complete subtrees of 2^l leaves,
    // in order: entry i covers leaves [i * 2^l, (i + 1) * 2^l). Flat byte arrays keep 1M leaves
    // near 64 MB instead of one heap object per hash.
    private var levels: [[UInt8]] = []
    private var leafCount: UInt64 = 0

    /// An empty tree.
    public init() {}

    /// Appends one leaf whose data is the 32 bytes of a record's chain hash.
    public mutating func append(recordHash: LedgerHash) {
        appendLeafHash(MerkleHashing.leafHash(recordHash))
    }

    /// Appends a leaf given its leaf hash `SHA-256(0x00 || data)`.
    public mutating func appendLeafHash(_ leafHash: LedgerHash) {
        var hash = leafHash
        var level = 0
        var index = leafCount
        while true {
            if levels.count == level {
                levels.append([])
            }
            hash.withUnsafeBytes { levels[level].append(contentsOf: $0) }
            // An odd index completes a pair: its parent is now a complete subtree too.
            guard index & 1 == 1 else { break }
            hash = MerkleHashing.nodeHash(stored(level: level, index: index - 1), hash)
            level += 1
            index >>= 1
        }
        leafCount += 1
    }

    /// The number of leaves.
    public var size: UInt64 { leafCount }

    /// The root over all leaves (`SHA-256("")` when empty).
    public var root: LedgerHash { subtreeHash(start: 0, count: leafCount) }

    /// The head (size and root) of the whole tree.
    public var head: ChainHead { ChainHead(size: size, root: root) }

    /// The root over the first `size` leaves.
    public func root(size: UInt64) throws(LedgerError) -> LedgerHash {
        guard size <= leafCount else {
            throw LedgerError(.treeSizeOutOfRange, "tree size \(size) exceeds the \(leafCount) leaves appended")
        }
        return subtreeHash(start: 0, count: size)
    }

    /// The leaf hash at `index`.
    public func leafHash(at index: UInt64) throws(LedgerError) -> LedgerHash {
        guard index < leafCount else {
            throw LedgerError(.leafIndexOutOfRange, "leaf index \(index) is not below the \(leafCount) leaves appended")
        }
        return stored(level: 0, index: index)
    }

    /// RFC 9162 §2.1.3.1 inclusion proof (audit path, leaf to root) of leaf `index` in the tree of the first `size` leaves.
    public func inclusionProof(index: UInt64, size: UInt64) throws(LedgerError) -> [LedgerHash] {
        guard size <= leafCount else {
            throw LedgerError(.treeSizeOutOfRange, "tree size \(size) exceeds the \(leafCount) leaves appended")
        }
        guard index < size else {
            throw LedgerError(.leafIndexOutOfRange, "leaf index \(index) is not below tree size \(size)")
        }
        var proof: [LedgerHash] = []
        path(index: index, start: 0, count: size, into: &proof)
        return proof
    }

    /// RFC 9162 §2.1.4.1 consistency proof between the trees of the first `from` and the first `to` leaves; empty when `from` is 0 or equals `to`.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(LedgerError) -> [LedgerHash] {
        guard newSize <= leafCount else {
            throw LedgerError(.treeSizeOutOfRange, "tree size \(newSize) exceeds the \(leafCount) leaves appended")
        }
        guard oldSize <= newSize else {
            throw LedgerError(.invalidConsistencyRange, "old size \(oldSize) is larger than new size \(newSize)")
        }
        guard oldSize > 0, oldSize < newSize else { return [] }
        var proof: [LedgerHash] = []
        subproof(oldSize: oldSize, start: 0, count: newSize, complete: true, into: &proof)
        return proof
    }

    // PATH(m, D[start:start+count]) of RFC 9162, appended leaf-first.
    private func path(index: UInt64, start: UInt64, count: UInt64, into proof: inout [LedgerHash]) {
        guard count > 1 else { return }
        let k = MerkleHashing.split(count)
        if index < k {
            path(index: index, start: start, count: k, into: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            path(index: index - k, start: start + k, count: count - k, into: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }

    // SUBPROOF(m, D[start:start+count], b) of RFC 9162.
    private func subproof(oldSize: UInt64, start: UInt64, count: UInt64, complete: Bool, into proof: inout [LedgerHash]) {
        if oldSize == count {
            if !complete {
                proof.append(subtreeHash(start: start, count: count))
            }
            return
        }
        let k = MerkleHashing.split(count)
        if oldSize <= k {
            subproof(oldSize: oldSize, start: start, count: k, complete: complete, into: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            subproof(oldSize: oldSize - k, start: start + k, count: count - k, complete: false, into: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }

    // MTH(D[start:start+count]); the caller keeps start + count within the appended leaves.
    func subtreeHash(start: UInt64, count: UInt64) -> LedgerHash {
        if count == 0 {
            return MerkleHashing.emptyRoot
        }
        // Ranges produced by the RFC recursion are aligned, so a perfect one is stored as is.
        if count & (count - 1) == 0, start % count == 0 {
            let level = count.trailingZeroBitCount
            return stored(level: level, index: start >> UInt64(level))
        }
        let k = MerkleHashing.split(count)
        return MerkleHashing.nodeHash(
            subtreeHash(start: start, count: k),
            subtreeHash(start: start + k, count: count - k)
        )
    }

    private func stored(level: Int, index: UInt64) -> LedgerHash {
        let offset = Int(index) * LedgerHash.byteCount
        return levels[level].withUnsafeBytes { LedgerHash(unsafeRaw: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + LedgerHash.byteCount])) }
    }
}
