import Testing
@testable import Ledger

@Suite struct MerkleVectorTests {
    @Test func leafHashesMatchVectors() {
        for (input, expected) in zip(MerkleVectors.leafInputs, MerkleVectors.leafHashes) {
            #expect(MerkleHashing.leafHash(MerkleVectors.bytes(hex: input)).hex == expected, "leaf input \(input)")
        }
    }

    @Test func emptyRootIsSHA256OfNothing() throws {
        #expect(MerkleHashing.emptyRoot.hex == MerkleVectors.emptyRoot)
        #expect(MerkleTree().root.hex == MerkleVectors.emptyRoot)
        #expect(try MerkleVectors.tree(size: 8).root(size: 0).hex == MerkleVectors.emptyRoot)
        #expect(CompactMerkleRoot().root.hex == MerkleVectors.emptyRoot)
    }

    @Test(arguments: 1...8) func rootsMatchVectors(size: Int) throws {
        let expected = MerkleVectors.roots[size - 1]
        #expect(MerkleVectors.tree(size: size).root.hex == expected)
        #expect(try MerkleVectors.tree(size: 8).root(size: UInt64(size)).hex == expected)
        var compact = CompactMerkleRoot()
        for input in MerkleVectors.leafInputs.prefix(size) {
            compact.appendLeafHash(MerkleHashing.leafHash(MerkleVectors.bytes(hex: input)))
        }
        #expect(compact.root.hex == expected)
        #expect(compact.size == UInt64(size))
    }

    @Test(arguments: MerkleVectors.inclusions) func inclusionProofsMatchVectors(_ vector: MerkleVectors.Inclusion) throws {
        let tree = MerkleVectors.tree(size: 8)
        let proof = try tree.inclusionProof(index: vector.index, size: vector.size)
        #expect(proof.map(\.hex) == vector.proof)
        let leaf = MerkleVectors.hash(MerkleVectors.leafHashes[Int(vector.index)])
        let root = MerkleVectors.hash(MerkleVectors.roots[Int(vector.size) - 1])
        #expect(MerkleProofs.verifyInclusion(
            leafIndex: vector.index, treeSize: vector.size, leafHash: leaf,
            proof: vector.proof.map(MerkleVectors.hash), root: root
        ))
    }

    @Test(arguments: MerkleVectors.consistencies) func consistencyProofsMatchVectors(_ vector: MerkleVectors.Consistency) throws {
        let tree = MerkleVectors.tree(size: 8)
        let proof = try tree.consistencyProof(from: vector.oldSize, to: vector.newSize)
        #expect(proof.map(\.hex) == vector.proof)
        let oldRoot = MerkleVectors.hash(MerkleVectors.roots[Int(vector.oldSize) - 1])
        let newRoot = MerkleVectors.hash(MerkleVectors.roots[Int(vector.newSize) - 1])
        #expect(MerkleProofs.verifyConsistency(
            oldSize: vector.oldSize, newSize: vector.newSize, oldRoot: oldRoot, newRoot: newRoot,
            proof: vector.proof.map(MerkleVectors.hash)
        ))
    }
}
