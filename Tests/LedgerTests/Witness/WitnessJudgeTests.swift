import Records
import Testing
@testable import Ledger

@Suite struct WitnessJudgeTests {
    /// A node with cdr 5 / attempt 3, whose first checkpoint the witness accepted.
    static func witnessedNode() throws -> (WitnessFixture, WitnessedPeer) {
        var node = WitnessFixture(key: try WitnessFixture.makeKey())
        node.grow("cdr", to: 5)
        node.grow("attempt", to: 3)
        let first = node.checkpoint()
        guard case .accepted(let peer) = WitnessJudge.judge(try node.publication(first), for: WitnessedPeer(peerID: "n1"), peerKey: node.key.publicKeyBytes) else {
            throw WitnessFixture.Unexpected()
        }
        return (node, peer)
    }

    @Test func theFirstCheckpointIsAcceptedOnTrust() throws {
        var node = WitnessFixture(key: try WitnessFixture.makeKey())
        node.grow("cdr", to: 5)
        node.grow("attempt", to: 3)
        let line = node.checkpoint()
        let verdict = WitnessJudge.judge(try node.publication(line), for: WitnessedPeer(peerID: "n1"), peerKey: node.key.publicKeyBytes)
        guard case .accepted(let peer) = verdict else {
            Issue.record("expected accepted, got \(verdict)")
            return
        }
        #expect(peer.peerID == "n1")
        #expect(peer.acceptedCount == 1)
        #expect(peer.latest?.line == line)
        #expect(peer.heldSizes == ["cdr": 5, "attempt": 3])
    }

    @Test func aFirstCheckpointWithProofsFromElsewhereAsksForAFullOne() throws {
        var node = WitnessFixture(key: try WitnessFixture.makeKey())
        node.grow("cdr", to: 5)
        node.grow("attempt", to: 3)
        let line = node.checkpoint()
        // The publisher thinks the witness holds cdr 2; the witness lost its state.
        let publication = try node.publication(line, acknowledged: ["cdr": 2])
        #expect(WitnessJudge.judge(publication, for: WitnessedPeer(peerID: "n1"), peerKey: node.key.publicKeyBytes) == .proofsFromOtherSizes(held: [:]))
    }

    @Test func growthWithAValidProofIsAcceptedAtEverySize() throws {
        var (node, peer) = try Self.witnessedNode()
        // Powers of two and ragged sizes on both sides of the proof.
        for (cdr, attempt) in [(6, 3), (8, 4), (9, 7), (16, 8), (17, 8), (31, 20), (64, 21), (100, 33)] {
            node.grow("cdr", to: cdr)
            node.grow("attempt", to: attempt)
            let line = node.checkpoint()
            let verdict = WitnessJudge.judge(try node.publication(line, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
            guard case .accepted(let next) = verdict else {
                Issue.record("cdr \(cdr) attempt \(attempt): expected accepted, got \(verdict)")
                return
            }
            #expect(next.acceptedCount == peer.acceptedCount + 1)
            #expect(next.latest?.line == line)
            #expect(next.heldSizes == ["cdr": UInt64(cdr), "attempt": UInt64(attempt)])
            peer = next
        }
    }

    @Test func aNewCheckpointOverUnchangedChainsIsAccepted() throws {
        // A restart writes a checkpoint with a new seq and time over the same heads: nothing to prove, nothing wrong.
        let (start, peer) = try Self.witnessedNode()
        var node = start
        let line = node.checkpoint(timeMicros: 1_700_000_060_000_000)
        let publication = try node.publication(line, acknowledged: peer.heldSizes)
        #expect(publication.proofs.values.allSatisfy { $0.path.isEmpty })
        guard case .accepted(let next) = WitnessJudge.judge(publication, for: peer, peerKey: node.key.publicKeyBytes) else {
            Issue.record("expected accepted")
            return
        }
        #expect(next.latest?.seq == 2)
    }

    @Test func theSameCheckpointAgainIsUnchanged() throws {
        let (node, peer) = try Self.witnessedNode()
        let line = try #require(peer.latest?.line)
        #expect(WitnessJudge.judge(try node.publication(line, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes) == .unchanged)
        // Even when the publisher's proofs start elsewhere (it lost the acknowledgement): the checkpoint is held.
        #expect(WitnessJudge.judge(try node.publication(line), for: peer, peerKey: node.key.publicKeyBytes) == .unchanged)
    }

    @Test func proofsFromOtherSizesAreAnsweredWithWhatIsHeld() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        node.grow("cdr", to: 12)
        let line = node.checkpoint()
        for acknowledged in [["cdr": 4, "attempt": 3], [:], ["cdr": 5, "attempt": 2]] as [[String: UInt64]] {
            let verdict = WitnessJudge.judge(try node.publication(line, acknowledged: acknowledged), for: peer, peerKey: node.key.publicKeyBytes)
            #expect(verdict == .proofsFromOtherSizes(held: ["cdr": 5, "attempt": 3]), "from \(acknowledged)")
        }
        // Resent from the held sizes it is accepted.
        guard case .accepted = WitnessJudge.judge(try node.publication(line, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes) else {
            Issue.record("expected accepted after resending from the held sizes")
            return
        }
    }

    @Test func aRewrittenHistoryFailsTheConsistencyProof() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        // The node (its key in hand) rewrites cdr 4 onwards, re-seals everything and grows to 8: each tree is
        // internally valid and honestly proven from 5 over the forged tree, but not from the root the witness holds.
        node.rebuild(["cdr": 8, "attempt": 3], forgedFrom: 3)
        let forged = node.checkpoint()
        let verdict = WitnessJudge.judge(try node.publication(forged, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
        #expect(verdict == .rejected(.inconsistent(kind: "cdr", fromSize: 5, toSize: 8)))
    }

    @Test func anHonestProofAttachedToAForgedCheckpointFailsToo() throws {
        let (honest, peer) = try Self.witnessedNode()
        var grown = honest
        grown.grow("cdr", to: 8)
        let honestPublication = try grown.publication(grown.checkpoint(), acknowledged: peer.heldSizes)
        var forger = honest
        forger.rebuild(["cdr": 8, "attempt": 3], forgedFrom: 6)
        let forgedStatement = try CheckpointStatement(line: forger.checkpoint())
        // The forged checkpoint with the proof that belongs to the honest tree.
        let spliced = try CheckpointPublication(checkpoint: forgedStatement, proofs: honestPublication.proofs)
        #expect(WitnessJudge.judge(spliced, for: peer, peerKey: honest.key.publicKeyBytes) == .rejected(.inconsistent(kind: "cdr", fromSize: 5, toSize: 8)))
    }

    @Test func anotherRootForAHeldSizeIsEquivocationWithBothStatements() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        let held = try #require(peer.latest)
        node.rebuild(["cdr": 5, "attempt": 3], forgedFrom: 4)
        let forged = node.checkpoint()
        let verdict = WitnessJudge.judge(try node.publication(forged, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
        let offered = try CheckpointStatement(line: forged)
        #expect(verdict == .rejected(.equivocation(kind: "cdr", size: 5, held: held, offered: offered)))
        if case .rejected(.equivocation(_, _, let keptHeld, let keptOffered)) = verdict {
            #expect(keptHeld.line == held.line && keptOffered.line == forged)
            #expect(keptHeld.signatureVerifies && keptOffered.signatureVerifies)
        }
    }

    @Test func aReusedCheckpointSeqIsEquivocation() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        let held = try #require(peer.latest)
        // Same heads, same seq 1, another time: a second signed statement for checkpoint 1.
        let again = node.checkpointReusing(seq: 1, previous: .zero, timeMicros: 1_700_000_000_000_001)
        #expect(again != held.line)
        let verdict = WitnessJudge.judge(try node.publication(again, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
        #expect(verdict == .rejected(.equivocation(kind: "checkpoint", size: 1, held: held, offered: try CheckpointStatement(line: again))))
        // Grown chains do not hide a reused seq either.
        node.grow("cdr", to: 9)
        let grown = node.checkpointReusing(seq: 1, previous: .zero, timeMicros: 1_700_000_000_000_002)
        if case .rejected(.equivocation(let kind, _, _, _)) = WitnessJudge.judge(try node.publication(grown, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes) {
            #expect(kind == "checkpoint")
        } else {
            Issue.record("expected equivocation for a reused seq over grown chains")
        }
    }

    @Test func aSmallerTreeHasShrunk() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        node.rebuild(["cdr": 3, "attempt": 3])
        let smaller = node.checkpoint()
        #expect(WitnessJudge.judge(try node.publication(smaller, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
            == .rejected(.shrank(kind: "cdr", held: 5, offered: 3)))
        // A chain that disappears from the checkpoint shrank to 0.
        node.rebuild(["cdr": 6])
        let without = node.checkpoint()
        #expect(WitnessJudge.judge(try node.publication(without, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
            == .rejected(.shrank(kind: "attempt", held: 3, offered: 0)))
    }

    @Test func anotherKeyOrATamperedSignatureIsABadSignature() throws {
        let (start, peer) = try Self.witnessedNode()
        var node = start
        node.grow("cdr", to: 7)
        // A well-formed checkpoint signed by another key (its own key named in public_key).
        let stranger = try WitnessFixture.makeKey()
        let foreign = node.checkpoint(signer: stranger)
        let foreignStatement = try CheckpointStatement(line: foreign)
        #expect(foreignStatement.signatureVerifies)
        guard case .rejected(.badSignature) = WitnessJudge.judge(try node.publication(foreign, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes) else {
            Issue.record("another key was accepted")
            return
        }
        // The peer's own key named, the signature swapped for the stranger's: it does not verify.
        var honest = node
        let line = honest.checkpoint()
        let strangerSignature = try #require(try Self.field("signature", of: foreign))
        let tampered = try WitnessFixture.resealed(line, ["signature": strangerSignature])
        let tamperedStatement = try CheckpointStatement(line: tampered)
        #expect(!tamperedStatement.signatureVerifies)
        guard case .rejected(.badSignature) = WitnessJudge.judge(try honest.publication(tampered, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes) else {
            Issue.record("a tampered signature was accepted")
            return
        }
        // A changed size with the hash recomputed but the signature left: the signature no longer covers it.
        let resized = try WitnessFixture.resealed(line, ["time_us": .integer(5)])
        #expect(try CheckpointStatement(line: resized).signatureVerifies == false)
        // The same line judged for a witness configured with another key.
        guard case .rejected(.badSignature) = WitnessJudge.judge(try honest.publication(line, acknowledged: peer.heldSizes), for: peer, peerKey: stranger.publicKeyBytes) else {
            Issue.record("a checkpoint was accepted under another configured key")
            return
        }
    }

    @Test func aCheckpointOfAnotherNodeIsRefused() throws {
        let (node, peer) = try Self.witnessedNode()
        var other = WitnessFixture(nodeID: "n2", key: node.key)
        other.grow("cdr", to: 9)
        other.grow("attempt", to: 3)
        let line = other.checkpoint()
        #expect(WitnessJudge.judge(try other.publication(line, acknowledged: peer.heldSizes), for: peer, peerKey: node.key.publicKeyBytes)
            == .rejected(.wrongNode(claimed: "n2")))
        // Also for a witness that holds nothing yet.
        #expect(WitnessJudge.judge(try other.publication(line), for: WitnessedPeer(peerID: "n1"), peerKey: node.key.publicKeyBytes)
            == .rejected(.wrongNode(claimed: "n2")))
    }

    @Test func alertCodesAreStable() throws {
        let statement = try #require(try Self.witnessedNode().1.latest)
        let alerts: [(WitnessAlert, String)] = [
            (.badSignature("x"), "bad_signature"), (.wrongNode(claimed: "n2"), "wrong_node"),
            (.inconsistent(kind: "cdr", fromSize: 1, toSize: 2), "inconsistent"),
            (.equivocation(kind: "cdr", size: 1, held: statement, offered: statement), "equivocation"),
            (.shrank(kind: "cdr", held: 2, offered: 1), "shrank"), (.malformed("x"), "malformed"),
        ]
        for (alert, code) in alerts {
            #expect(alert.code == code)
        }
    }

    static func field(_ name: String, of line: String) throws -> CanonicalJSON? {
        guard case .object(let object) = try CanonicalJSONParser().parse(Array(line.utf8)) else { return nil }
        return object[name]
    }
}

extension WitnessFixture {
    struct Unexpected: Error {}
}
