internal import Crypto

/// RFC 9162 §2.1.1 tree hashing: leaves prefixed 0x00, interior nodes 0x01.
public enum MerkleHashing {
    /// `SHA-256(0x00 || data)`: the hash of one leaf.
    public static func leafHash(_ data: some Collection<UInt8>) -> LedgerHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        let done: Void? = data.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            Array(data).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return LedgerHash(digest: hasher.finalize())
    }

    /// `SHA-256(0x00 || hash)`: the leaf of a record whose chain hash is `hash` (no array of its bytes).
    public static func leafHash(_ hash: LedgerHash) -> LedgerHash {
        hashOfPrefixed(0x00, hash)
    }

    /// `SHA-256(0x01 || left || right)`: the hash of an interior node.
    public static func nodeHash(_ left: LedgerHash, _ right: LedgerHash) -> LedgerHash {
        hashOfPrefixed(0x01, left, right)
    }

    // SHA-256 of `prefix` followed by the hashes' bytes, gathered on the stack and hashed in one update: every
    // update of swift-crypto's hasher costs a call into BoringSSL and an exclusivity check, and the record writer
    // hashes a leaf and on average one node per record.
    private static func hashOfPrefixed(_ prefix: UInt8, _ first: LedgerHash, _ second: LedgerHash? = nil) -> LedgerHash {
        let count = 1 + LedgerHash.byteCount * (second == nil ? 1 : 2)
        return withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { buffer in
            buffer[0] = prefix
            first.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1...]).copyMemory(from: $0) }
            second?.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[(1 + LedgerHash.byteCount)...]).copyMemory(from: $0)
            }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return LedgerHash(digest: hasher.finalize())
        }
    }

    /// `SHA-256("")`: the root of the empty tree.
    public static let emptyRoot = LedgerHash.sha256([UInt8]())

    /// The largest power of two strictly smaller than `count` (`count` > 1).
    static func split(_ count: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < count {
            k <<= 1
        }
        return k
    }
}
