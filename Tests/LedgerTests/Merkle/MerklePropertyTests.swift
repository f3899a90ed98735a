import Testing
@testable import Ledger

@Suite struct MerklePropertyTests {
    // Each case: a seed, and a tree size drawn from 1...300 by that seed.
    static let seeds: [UInt64] = [1, 2, 3, 0x5EED, 0xC0FFEE]

    struct Fixture {
        let recordHashes: [LedgerHash]
        let leafHashes: [LedgerHash]
        let tree: MerkleTree
        /// naiveRoots[n] = MTH of the first n leaves, computed without MerkleTree.
        let naiveRoots: [LedgerHash]

        init(seed: UInt64, size: Int? = nil) {
            var generator = SeededGenerator(seed: seed)
            let count = size ?? Int.random(in: 1...300, using: &generator)
            let records = NaiveMerkle.randomRecordHashes(count, using: &generator)
            let leaves = records.map { MerkleHashing.leafHash($0.bytes) }
            recordHashes = records
            leafHashes = leaves
            var tree = MerkleTree()
            for hash in records {
                tree.append(recordHash: hash)
            }
            self.tree = tree
            naiveRoots = (0...count).map { NaiveMerkle.mth(leaves[0..<$0]) }
        }
    }

    @Test(arguments: seeds) func rootsMatchNaiveAndCompactForEveryPrefix(seed: UInt64) throws {
        let fixture = Fixture(seed: seed)
        var compact = CompactMerkleRoot()
        #expect(compact.root == fixture.naiveRoots[0])
        for (index, hash) in fixture.recordHashes.enumerated() {
            compact.append(recordHash: hash)
            let size = UInt64(index + 1)
            #expect(compact.size == size)
            #expect(compact.root == fixture.naiveRoots[index + 1], "size \(size)")
            #expect(try fixture.tree.root(size: size) == fixture.naiveRoots[index + 1], "size \(size)")
        }
        #expect(fixture.tree.size == UInt64(fixture.recordHashes.count))
        #expect(fixture.tree.root == fixture.naiveRoots.last)
        #expect(compact.head == fixture.tree.head)
    }

    @Test(arguments: seeds) func everyInclusionProofVerifiesAndMatchesTheDefinition(seed: UInt64) throws {
        let fixture = Fixture(seed: seed)
        let total = fixture.recordHashes.count
        for size in 1...total {
            let root = fixture.naiveRoots[size]
            #expect(try fixture.tree.root(size: UInt64(size)) == root)
            for index in 0..<size {
                let proof = try fixture.tree.inclusionProof(index: UInt64(index), size: UInt64(size))
                // Comparing with the literal definition on every case would be quadratic in hashing; sample it.
                if size == total || index == size - 1 || index == 0 {
                    #expect(proof == NaiveMerkle.path(index, fixture.leafHashes[0..<size]), "leaf \(index) in \(size)")
                }
                #expect(MerkleProofs.verifyInclusion(
                    leafIndex: UInt64(index), treeSize: UInt64(size), leafHash: fixture.leafHashes[index],
                    proof: proof, root: root
                ), "leaf \(index) in \(size)")
            }
        }
    }

    @Test(arguments: seeds) func everyConsistencyProofVerifiesAndMatchesTheDefinition(seed: UInt64) throws {
        let fixture = Fixture(seed: seed)
        let total = fixture.recordHashes.count
        for newSize in 0...total {
            for oldSize in 0...newSize {
                let proof = try fixture.tree.consistencyProof(from: UInt64(oldSize), to: UInt64(newSize))
                if newSize == total, oldSize > 0, oldSize < newSize {
                    #expect(proof == NaiveMerkle.proof(oldSize, fixture.leafHashes[0..<newSize]), "\(oldSize) → \(newSize)")
                }
                #expect(MerkleProofs.verifyConsistency(
                    oldSize: UInt64(oldSize), newSize: UInt64(newSize),
                    oldRoot: fixture.naiveRoots[oldSize], newRoot: fixture.naiveRoots[newSize], proof: proof
                ), "\(oldSize) → \(newSize)")
            }
        }
    }

    @Test(arguments: seeds) func tamperedInclusionProofsFail(seed: UInt64) throws {
        let fixture = Fixture(seed: seed)
        let size = fixture.recordHashes.count
        var generator = SeededGenerator(seed: seed ^ 0xF11F)
        let root = fixture.naiveRoots[size]
        for index in 0..<size {
            let proof = try fixture.tree.inclusionProof(index: UInt64(index), size: UInt64(size))
            let leaf = fixture.leafHashes[index]
            func verifies(index: Int = index, size: Int = size, leaf: LedgerHash = leaf, proof: [LedgerHash] = proof, root: LedgerHash = root) -> Bool {
                MerkleProofs.verifyInclusion(leafIndex: UInt64(index), treeSize: UInt64(size), leafHash: leaf, proof: proof, root: root)
            }
            let bit = Int.random(in: 0..<256, using: &generator)
            for position in proof.indices {
                var tampered = proof
                tampered[position] = NaiveMerkle.flipping(tampered[position], bit: bit)
                #expect(!verifies(proof: tampered), "element \(position), leaf \(index)")
            }
            #expect(!verifies(leaf: NaiveMerkle.flipping(leaf, bit: bit)))
            #expect(!verifies(root: NaiveMerkle.flipping(root, bit: bit)))
            #expect(!verifies(leaf: fixture.recordHashes[index]), "the record hash is not the leaf hash")
            #expect(!verifies(index: index + 1))
            if index > 0 {
                #expect(!verifies(index: index - 1))
            }
            // Another size with the same root passes exactly when its proof has the same shape.
            let shape = NaiveMerkle.pathShape(index, size)
            #expect(verifies(size: size + 1) == (NaiveMerkle.pathShape(index, size + 1) == shape), "leaf \(index) in \(size) as \(size + 1)")
            if index < size - 1 {
                #expect(verifies(size: size - 1) == (NaiveMerkle.pathShape(index, size - 1) == shape), "leaf \(index) in \(size) as \(size - 1)")
                #expect(!verifies(size: size - 1, root: fixture.naiveRoots[size - 1]))
            }
            #expect(!verifies(proof: proof + [leaf]))
            if !proof.isEmpty {
                #expect(!verifies(proof: Array(proof.dropLast())))
            }
            if proof.count > 1 {
                #expect(!verifies(proof: Array(proof.reversed())))
            }
        }
    }

    @Test(arguments: seeds) func tamperedConsistencyProofsFail(seed: UInt64) throws {
        let fixture = Fixture(seed: seed)
        let total = fixture.recordHashes.count
        var generator = SeededGenerator(seed: seed ^ 0xC0C0)
        let newSize = total
        let newRoot = fixture.naiveRoots[newSize]
        for oldSize in 0...newSize {
            let oldRoot = fixture.naiveRoots[oldSize]
            let proof = try fixture.tree.consistencyProof(from: UInt64(oldSize), to: UInt64(newSize))
            func verifies(oldSize: Int = oldSize, newSize: Int = newSize, oldRoot: LedgerHash = oldRoot, newRoot: LedgerHash = newRoot, proof: [LedgerHash] = proof) -> Bool {
                MerkleProofs.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(newSize), oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            }
            let bit = Int.random(in: 0..<256, using: &generator)
            for position in proof.indices {
                var tampered = proof
                tampered[position] = NaiveMerkle.flipping(tampered[position], bit: bit)
                #expect(!verifies(proof: tampered), "element \(position), \(oldSize) → \(newSize)")
            }
            #expect(!verifies(oldRoot: NaiveMerkle.flipping(oldRoot, bit: bit)), "\(oldSize) → \(newSize)")
            if oldSize < newSize {
                // An empty old tree says nothing about the new root; every other proof pins it.
                if oldSize > 0 {
                    #expect(!verifies(newRoot: NaiveMerkle.flipping(newRoot, bit: bit)), "\(oldSize) → \(newSize)")
                    #expect(!verifies(oldSize: oldSize + 1, oldRoot: fixture.naiveRoots[oldSize + 1]))
                    #expect(!verifies(proof: Array(proof.dropLast())))
                    #expect(!verifies(proof: proof + [oldRoot]))
                    #expect(!verifies(oldRoot: newRoot, newRoot: oldRoot))
                }
                // Another new size passes exactly when its proof has the same shape.
                if oldSize > 0 {
                    let shape = NaiveMerkle.consistencyShape(oldSize, newSize)
                    #expect(verifies(newSize: newSize + 1) == (NaiveMerkle.consistencyShape(oldSize, newSize + 1) == shape), "\(oldSize) → \(newSize) as → \(newSize + 1)")
                    if oldSize < newSize - 1 {
                        #expect(verifies(newSize: newSize - 1) == (NaiveMerkle.consistencyShape(oldSize, newSize - 1) == shape), "\(oldSize) → \(newSize) as → \(newSize - 1)")
                        #expect(!verifies(newSize: newSize - 1, newRoot: fixture.naiveRoots[newSize - 1]))
                    }
                }
                if oldSize > 1 {
                    #expect(!verifies(oldSize: oldSize - 1, oldRoot: fixture.naiveRoots[oldSize - 1]))
                }
            } else {
                #expect(!verifies(newRoot: NaiveMerkle.flipping(newRoot, bit: bit)))
                #expect(!verifies(proof: [newRoot]))
            }
            #expect(!verifies(oldSize: newSize + 1, oldRoot: newRoot))
        }
    }

    // Small trees: every bit of every element of every proof.
    @Test(arguments: 1...9) func everyBitFlipFailsInSmallTrees(size: Int) throws {
        let fixture = Fixture(seed: UInt64(size), size: size)
        for treeSize in 1...size {
            for index in 0..<treeSize {
                let proof = try fixture.tree.inclusionProof(index: UInt64(index), size: UInt64(treeSize))
                for position in proof.indices {
                    for bit in 0..<256 {
                        var tampered = proof
                        tampered[position] = NaiveMerkle.flipping(tampered[position], bit: bit)
                        #expect(!MerkleProofs.verifyInclusion(
                            leafIndex: UInt64(index), treeSize: UInt64(treeSize), leafHash: fixture.leafHashes[index],
                            proof: tampered, root: fixture.naiveRoots[treeSize]
                        ))
                    }
                }
            }
            for oldSize in 1..<treeSize {
                let proof = try fixture.tree.consistencyProof(from: UInt64(oldSize), to: UInt64(treeSize))
                for position in proof.indices {
                    for bit in 0..<256 {
                        var tampered = proof
                        tampered[position] = NaiveMerkle.flipping(tampered[position], bit: bit)
                        #expect(!MerkleProofs.verifyConsistency(
                            oldSize: UInt64(oldSize), newSize: UInt64(treeSize),
                            oldRoot: fixture.naiveRoots[oldSize], newRoot: fixture.naiveRoots[treeSize], proof: tampered
                        ))
                    }
                }
            }
        }
    }

    @Test func outOfRangeRequestsAreTypedErrors() throws {
        let fixture = Fixture(seed: 9, size: 5)
        #expect(throws: LedgerError.self) { try fixture.tree.root(size: 6) }
        let codes: [LedgerError.Code?] = [
            Self.code { () throws(LedgerError) in _ = try fixture.tree.root(size: 6) },
            Self.code { () throws(LedgerError) in _ = try fixture.tree.inclusionProof(index: 5, size: 5) },
            Self.code { () throws(LedgerError) in _ = try fixture.tree.inclusionProof(index: 0, size: 6) },
            Self.code { () throws(LedgerError) in _ = try fixture.tree.consistencyProof(from: 4, to: 3) },
            Self.code { () throws(LedgerError) in _ = try fixture.tree.consistencyProof(from: 1, to: 6) },
            Self.code { () throws(LedgerError) in _ = try fixture.tree.leafHash(at: 5) },
        ]
        #expect(codes == [.treeSizeOutOfRange, .leafIndexOutOfRange, .treeSizeOutOfRange, .invalidConsistencyRange, .treeSizeOutOfRange, .leafIndexOutOfRange])
        #expect(try fixture.tree.leafHash(at: 4) == fixture.leafHashes[4])
        #expect(!MerkleProofs.verifyInclusion(leafIndex: 0, treeSize: 0, leafHash: fixture.leafHashes[0], proof: [], root: MerkleHashing.emptyRoot))
        #expect(!MerkleProofs.verifyInclusion(
            leafIndex: 0, treeSize: 1, leafHash: fixture.leafHashes[0],
            proof: Array(repeating: fixture.leafHashes[0], count: 65), root: fixture.naiveRoots[1]
        ))
    }

    static func code(_ body: () throws(LedgerError) -> Void) -> LedgerError.Code? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }
}
