import Records

/// What a node PUBLISHes to a witness: its signed checkpoint and, for every chain the checkpoint covers, a
/// consistency proof from the size that witness last acknowledged.
///
/// The body is canonical JSON: `{"checkpoint": "<checkpoint line>", "proofs": {"<kind>": {"from_size": n,
/// "path": ["<64 hex>", ...], "to_size": m}, ...}}`. The checkpoint travels as the exact line the node wrote,
/// so a witness keeps byte-for-byte evidence of what was signed.
public struct CheckpointPublication: Sendable, Equatable {
    /// The `Content-Type` of a publication body.
    public static let contentType = "application/sipswarm-checkpoint+json"
    /// Larger bodies are refused before parsing; a real one is a few kilobytes.
    public static let maximumBodyBytes = 256 * 1024

    /// The signed checkpoint.
    public let checkpoint: CheckpointStatement
    /// One proof per covered kind, keyed by kind.
    public let proofs: [String: ConsistencyStep]

    /// A publication whose proofs have been checked to fit the checkpoint.
    init(checkpoint: CheckpointStatement, proofs: [String: ConsistencyStep]) throws(WitnessError) {
        guard Set(proofs.keys) == Set(checkpoint.heads.keys) else {
            throw WitnessError(
                .proofMismatch,
                "proofs cover \(proofs.keys.sorted()), the checkpoint covers \(checkpoint.heads.keys.sorted())"
            )
        }
        for (kind, step) in proofs {
            guard step.kind == kind, step.toSize == checkpoint.heads[kind]?.size else {
                throw WitnessError(.proofMismatch, "proofs.\(kind).to_size is not the checkpoint's \(kind) size")
            }
            guard step.path.count <= ConsistencyStep.maximumPathLength else {
                throw WitnessError(.proofMismatch, "proofs.\(kind) path is longer than \(ConsistencyStep.maximumPathLength)")
            }
            // RFC 9162: nothing to prove from an empty tree or to the same size; a path there is not a proof.
            if step.fromSize == 0 || step.fromSize >= step.toSize, !step.path.isEmpty {
                throw WitnessError(.proofMismatch, "proofs.\(kind) from \(step.fromSize) to \(step.toSize) must have an empty path")
            }
        }
        self.checkpoint = checkpoint
        self.proofs = proofs
    }

    /// Builds proofs from `acknowledged` sizes (missing kind = 0) to the checkpoint's sizes over `trees`
    /// (trees must hold at least the checkpoint's sizes, with the checkpoint's roots).
    ///
    /// An acknowledged size above the checkpoint's is sent as is with an empty path: the witness then sees
    /// the tree shrink, which is what it must be told.
    public static func make(
        checkpointLine: String, trees: [String: MerkleTree], acknowledged: [String: UInt64]
    ) throws(WitnessError) -> CheckpointPublication {
        let checkpoint = try CheckpointStatement(line: checkpointLine)
        var proofs: [String: ConsistencyStep] = [:]
        for (kind, head) in checkpoint.heads {
            guard let tree = trees[kind] else {
                throw WitnessError(.treeMismatch, "no \(kind) tree to prove the checkpoint's \(kind) size \(head.size) from")
            }
            let from = acknowledged[kind] ?? 0
            let root: LedgerHash
            let path: [LedgerHash]
            do {
                root = try tree.root(size: head.size)
                path = from < head.size ? try tree.consistencyProof(from: from, to: head.size) : []
            } catch {
                throw WitnessError(.treeMismatch, "the \(kind) tree cannot prove size \(head.size): \(error.reason)")
            }
            guard root == head.root else {
                throw WitnessError(.treeMismatch, "the \(kind) tree's root at size \(head.size) is not the checkpoint's")
            }
            proofs[kind] = ConsistencyStep(kind: kind, fromSize: from, toSize: head.size, path: path)
        }
        return try CheckpointPublication(checkpoint: checkpoint, proofs: proofs)
    }

    /// The canonical JSON body.
    public func encoded() -> [UInt8] {
        CanonicalJSON.object([
            "checkpoint": .string(checkpoint.line),
            "proofs": .object(proofs.mapValues { $0.canonicalJSON() }),
        ]).canonicalBytes()
    }

    /// Reads a body; throws `tooLarge` beyond `maximumBodyBytes`, `malformed` for anything but the documented
    /// members and types, `hashMismatch` for an altered checkpoint line, `proofMismatch` for proofs that do not fit it.
    public init(body: some Collection<UInt8>) throws(WitnessError) {
        guard body.count <= Self.maximumBodyBytes else {
            throw WitnessError(.tooLarge, "body of \(body.count) bytes exceeds \(Self.maximumBodyBytes)")
        }
        let value: CanonicalJSON
        do {
            value = try CanonicalJSONParser(maxBytes: Self.maximumBodyBytes, maxDepth: 8).parse(body)
        } catch {
            throw WitnessError(.malformed, "body is not JSON: \(error)")
        }
        guard case .object(let fields) = value, fields.count == 2,
              case .string(let line)? = fields["checkpoint"], case .object(let proofFields)? = fields["proofs"]
        else {
            throw WitnessError(.malformed, "body is not {checkpoint: string, proofs: object}")
        }
        guard proofFields.count <= CheckpointStatement.maximumChains else {
            throw WitnessError(.proofMismatch, "more than \(CheckpointStatement.maximumChains) proofs")
        }
        let checkpoint = try CheckpointStatement(line: line)
        var proofs: [String: ConsistencyStep] = [:]
        for (kind, proof) in proofFields {
            proofs[kind] = try ConsistencyStep(kind: kind, json: proof)
        }
        try self.init(checkpoint: checkpoint, proofs: proofs)
    }
}
