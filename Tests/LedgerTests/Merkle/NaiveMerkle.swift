@testable import Ledger

/// A deterministic generator (SplitMix64), so property tests are reproducible from their seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The RFC 9162 definitions written as literally as possible, over an array of leaf hashes.
enum NaiveMerkle {
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n {
            k *= 2
        }
        return k
    }

    /// MTH(D[range]) by plain recursion.
    static func mth(_ leaves: ArraySlice<LedgerHash>) -> LedgerHash {
        switch leaves.count {
        case 0:
            return MerkleHashing.emptyRoot
        case 1:
            return leaves[leaves.startIndex]
        default:
            let k = split(leaves.count)
            let middle = leaves.startIndex + k
            return MerkleHashing.nodeHash(mth(leaves[leaves.startIndex..<middle]), mth(leaves[middle...]))
        }
    }

    /// PATH(m, D).
    static func path(_ m: Int, _ leaves: ArraySlice<LedgerHash>) -> [LedgerHash] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m < k {
            return path(m, leaves[leaves.startIndex..<middle]) + [mth(leaves[middle...])]
        }
        return path(m - k, leaves[middle...]) + [mth(leaves[leaves.startIndex..<middle])]
    }

    /// PROOF(m, D) = SUBPROOF(m, D, true).
    static func proof(_ m: Int, _ leaves: ArraySlice<LedgerHash>) -> [LedgerHash] {
        subproof(m, leaves, true)
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<LedgerHash>, _ complete: Bool) -> [LedgerHash] {
        if m == leaves.count {
            return complete ? [] : [mth(leaves)]
        }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[leaves.startIndex..<middle], complete) + [mth(leaves[middle...])]
        }
        return subproof(m - k, leaves[middle...], false) + [mth(leaves[leaves.startIndex..<middle])]
    }

    /// `hash` with bit `bit` (0 ..< 256) inverted.
    static func flipping(_ hash: LedgerHash, bit: Int) -> LedgerHash {
        var bytes = hash.bytes
        bytes[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
        return LedgerHash(bytes: bytes) ?? hash
    }

    /// `count` random record hashes.
    static func randomRecordHashes(_ count: Int, using generator: inout SeededGenerator) -> [LedgerHash] {
        (0..<count).map { _ in
            LedgerHash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) ?? .zero
        }
    }
}

extension NaiveMerkle {
    /// The side of every element of PATH(m, D[0:n]): "L" when the element is the left sibling.
    ///
    /// A verifier sees only sizes and hashes, so a proof for one (m, n) also verifies for another
    /// size whose proof has exactly this shape (with the original root); tests use this to
    /// state precisely which size changes must fail.
    static func pathShape(_ m: Int, _ n: Int) -> [Character] {
        guard n > 1 else { return [] }
        let k = split(n)
        return m < k ? pathShape(m, k) + ["R"] : pathShape(m - k, n - k) + ["L"]
    }

    /// The role of every element of PROOF(m, D[0:n]): "s" for the implied old root, "S" for an
    /// explicit old subtree, "L"/"R" for siblings on the left/right; 0 < m <= n.
    static func consistencyShape(_ m: Int, _ n: Int, _ complete: Bool = true) -> [Character] {
        if m == n {
            return complete ? ["s"] : ["S"]
        }
        let k = split(n)
        return m <= k
            ? consistencyShape(m, k, complete) + ["R"]
            : consistencyShape(m - k, n - k, false) + ["L"]
    }
}
