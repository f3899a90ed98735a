import Foundation
import Records
@testable import Ledger

/// A node's ledger as a witness sees it: real Merkle trees over record hashes, a checkpoint chain sealed by
/// `HashChain` and signed with a real Ed25519 key, exactly as the record writer does.
struct WitnessFixture {
    let nodeID: String
    let key: NodeSigningKey
    private(set) var trees: [String: MerkleTree] = ["cdr": MerkleTree(), "attempt": MerkleTree()]
    private(set) var checkpointChain: HashChain

    init(nodeID: String = "n1", key: NodeSigningKey) {
        self.nodeID = nodeID
        self.key = key
        self.checkpointChain = HashChain(nodeID: nodeID, kind: "checkpoint")
    }

    /// A fresh Ed25519 key, made by the node's own key code in a throw-away directory.
    static func makeKey() throws -> NodeSigningKey {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try NodeSigningKey.loadOrCreate(dataDirectory: directory.path)
    }

    /// The record hash of leaf `index` of `kind`; `variant` makes another history at the same position.
    static func leaf(_ kind: String, _ index: Int, variant: Int = 0) -> LedgerHash {
        LedgerHash.sha256(Array("\(kind)-\(index)-\(variant)".utf8))
    }

    /// Appends leaves to `kind` until it holds `size`, leaves from `forgedFrom` on taken from another history.
    mutating func grow(_ kind: String, to size: Int, forgedFrom: Int = .max) {
        var tree = trees[kind] ?? MerkleTree()
        while tree.size < UInt64(size) {
            let index = Int(tree.size)
            tree.append(recordHash: Self.leaf(kind, index, variant: index >= forgedFrom ? 1 : 0))
        }
        trees[kind] = tree
    }

    /// Replaces the trees with ones of these sizes, the leaves from `forgedFrom` on of another history.
    mutating func rebuild(_ sizes: [String: Int], forgedFrom: Int = .max) {
        trees = [:]
        for (kind, size) in sizes {
            grow(kind, to: size, forgedFrom: forgedFrom)
        }
    }

    /// Seals and signs the next checkpoint over the trees' current heads; returns its line without `\n`.
    mutating func checkpoint(timeMicros: Int64 = 1_700_000_000_000_000, signer: NodeSigningKey? = nil) -> String {
        let signer = signer ?? key
        let fields = CheckpointFields.make(timeMicros: timeMicros, chains: trees.mapValues(\.head), publicKeyBase64: signer.publicKeyBase64)
        let sealed = checkpointChain.seal(fields, sign: signer.signBase64)
        return String(decoding: sealed.line.dropLast(), as: UTF8.self)
    }

    /// A checkpoint sealed at `seq` again (the chain rewound), over the current trees.
    mutating func checkpointReusing(seq: UInt64, previous: LedgerHash, timeMicros: Int64) -> String {
        checkpointChain = HashChain(nodeID: nodeID, kind: "checkpoint", position: ChainPosition(nextSeq: seq, lastHash: previous))
        return checkpoint(timeMicros: timeMicros)
    }

    /// The publication of `line` with proofs from `acknowledged`.
    func publication(_ line: String, acknowledged: [String: UInt64] = [:]) throws -> CheckpointPublication {
        try CheckpointPublication.make(checkpointLine: line, trees: trees, acknowledged: acknowledged)
    }

    /// `line` with `changes` applied to its fields, the hash recomputed (a consistent-looking forgery of the record).
    static func resealed(_ line: String, _ changes: [String: CanonicalJSON]) throws -> String {
        guard case .object(var object) = try CanonicalJSONParser().parse(Array(line.utf8)) else { return line }
        for (key, value) in changes {
            object[key] = value
        }
        object.removeValue(forKey: "hash")
        object["hash"] = .string(RecordHashing.hash(of: object).hex)
        return CanonicalJSON.object(object).canonicalString()
    }

    /// A body built by hand from `checkpoint` and raw `proofs`, for hostile inputs.
    static func body(checkpoint: CanonicalJSON, proofs: CanonicalJSON) -> [UInt8] {
        CanonicalJSON.object(["checkpoint": checkpoint, "proofs": proofs]).canonicalBytes()
    }
}
