/// Decides whether a witness accepts a peer's checkpoint. Pure: the caller persists the state and raises alerts.
public enum WitnessJudge {
    /// Judges `publication` against what is held for `peer`, whose configured Ed25519 key is `peerKey`.
    ///
    /// The rules, in this order (the first that applies decides):
    /// 1. the signature must verify and the key must be `peerKey` → else `badSignature`;
    /// 2. the checkpoint must name `peer.peerID` → else `wrongNode`;
    /// 3. nothing held: every proof must start at 0 (else `proofsFromOtherSizes([:])`), then accepted (trust on first use);
    /// 4. the same line as the held one → `unchanged`;
    /// 5. per kind: a smaller size → `shrank`; the same size with another root → `equivocation`;
    /// 6. a `seq` not above the held one, with another line → `equivocation` (kind `checkpoint`, size = seq);
    /// 7. a proof that does not start at the held size → `proofsFromOtherSizes(held)`;
    /// 8. a proof that does not link the held root to the new root → `inconsistent`;
    /// 9. else accepted, with `acceptedCount` one higher.
    public static func judge(_ publication: CheckpointPublication, for peer: WitnessedPeer, peerKey: [UInt8]) -> WitnessVerdict {
        let offered = publication.checkpoint
        guard offered.signatureVerifies else {
            return .rejected(.badSignature("the checkpoint's signature does not verify"))
        }
        guard offered.publicKey == peerKey else {
            return .rejected(.badSignature("the checkpoint is signed by another key than the one configured for \(peer.peerID)"))
        }
        guard offered.nodeID == peer.peerID else {
            return .rejected(.wrongNode(claimed: offered.nodeID))
        }
        let accepted = WitnessVerdict.accepted(
            WitnessedPeer(peerID: peer.peerID, latest: offered, acceptedCount: peer.acceptedCount + 1)
        )
        guard let held = peer.latest else {
            guard publication.proofs.values.allSatisfy({ $0.fromSize == 0 }) else {
                return .proofsFromOtherSizes(held: [:])
            }
            return accepted
        }
        guard offered.line != held.line else {
            return .unchanged
        }

        let kinds = Set(held.heads.keys).union(offered.heads.keys).sorted()
        for kind in kinds {
            let before = held.heads[kind] ?? .empty
            let after = offered.heads[kind] ?? .empty
            if after.size < before.size {
                return .rejected(.shrank(kind: kind, held: before.size, offered: after.size))
            }
            if after.size == before.size, after.root != before.root {
                return .rejected(.equivocation(kind: kind, size: after.size, held: held, offered: offered))
            }
        }
        if offered.seq <= held.seq {
            return .rejected(.equivocation(kind: "checkpoint", size: offered.seq, held: held, offered: offered))
        }
        let startsElsewhere = offered.heads.keys.contains { kind in
            publication.proofs[kind]?.fromSize != (held.heads[kind]?.size ?? 0)
        }
        if startsElsewhere {
            return .proofsFromOtherSizes(held: held.sizes)
        }
        for (kind, after) in offered.heads.sorted(by: { $0.key < $1.key }) {
            let before = held.heads[kind] ?? .empty
            let path = publication.proofs[kind]?.path ?? []
            guard MerkleProofs.verifyConsistency(
                oldSize: before.size, newSize: after.size, oldRoot: before.root, newRoot: after.root, proof: path
            ) else {
                return .rejected(.inconsistent(kind: kind, fromSize: before.size, toSize: after.size))
            }
        }
        return accepted
    }
}
