/// Verifiers for RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
public enum MerkleProofs {
    // A tree of up to 2^64 leaves never needs a longer proof.
    static let maximumProofLength = 64

    /// True when `proof` shows that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves with `root`.
    public static func verifyInclusion(
        leafIndex: UInt64, treeSize: UInt64, leafHash: LedgerHash, proof: [LedgerHash], root: LedgerHash
    ) -> Bool {
        guard leafIndex < treeSize, proof.count <= maximumProofLength else { return false }
        var fn = leafIndex
        var sn = treeSize - 1
        var result = leafHash
        for element in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                result = MerkleHashing.nodeHash(element, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = MerkleHashing.nodeHash(result, element)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && result == root
    }

    /// True when `proof` shows that the tree of `oldSize` leaves with `oldRoot` is a prefix of the tree of `newSize` leaves with `newRoot`.
    ///
    /// An empty old tree is consistent with every tree when the proof is empty and `oldRoot` is `SHA-256("")`.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: LedgerHash, newRoot: LedgerHash, proof: [LedgerHash]
    ) -> Bool {
        guard oldSize <= newSize, proof.count <= maximumProofLength else { return false }
        if oldSize == newSize {
            return proof.isEmpty && oldRoot == newRoot
        }
        if oldSize == 0 {
            return proof.isEmpty && oldRoot == MerkleHashing.emptyRoot
        }
        guard !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for element in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHashing.nodeHash(element, fr)
                sr = MerkleHashing.nodeHash(element, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHashing.nodeHash(sr, element)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }
}
