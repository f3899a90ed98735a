import Records
import Testing
@testable import Ledger

@Suite struct WitnessedPeerTests {
    @Test func stateRoundTripsThroughCanonicalJSON() throws {
        let (_, peer) = try WitnessJudgeTests.witnessedNode()
        let json = peer.canonicalJSON()
        guard case .object(let fields) = try CanonicalJSONParser().parseCanonical(json.canonicalBytes()) else {
            Issue.record("not an object")
            return
        }
        #expect(fields["peer"] == .string("n1"))
        #expect(fields["accepted_count"] == .integer(1))
        #expect(fields["latest"] == .string(peer.latest?.line ?? ""))
        let reread = try WitnessedPeer(json: fields)
        #expect(reread == peer)
        #expect(reread.heldSizes == ["cdr": 5, "attempt": 3])

        let empty = WitnessedPeer(peerID: "n9")
        guard case .object(let emptyFields) = empty.canonicalJSON() else {
            Issue.record("not an object")
            return
        }
        #expect(emptyFields["latest"] == nil)
        #expect(try WitnessedPeer(json: emptyFields) == empty)
        #expect(empty.heldSizes == [:])
    }

    @Test func aRestoredStateJudgesLikeTheOriginal() throws {
        let (start, peer) = try WitnessJudgeTests.witnessedNode()
        guard case .object(let fields) = peer.canonicalJSON() else { return }
        let restored = try WitnessedPeer(json: fields)
        var node = start
        node.grow("cdr", to: 11)
        let publication = try node.publication(node.checkpoint(), acknowledged: restored.heldSizes)
        #expect(WitnessJudge.judge(publication, for: restored, peerKey: node.key.publicKeyBytes)
            == WitnessJudge.judge(publication, for: peer, peerKey: node.key.publicKeyBytes))
    }

    @Test func damagedStatesAreRefused() throws {
        let (node, peer) = try WitnessJudgeTests.witnessedNode()
        let line = try #require(peer.latest?.line)
        var other = WitnessFixture(nodeID: "n2", key: node.key)
        let otherLine = other.checkpoint()
        let unsigned = try WitnessFixture.resealed(line, ["time_us": .integer(1)])
        let cases: [([String: CanonicalJSON], WitnessError.Code, String)] = [
            ([:], .malformed, "empty"),
            (["peer": .string("n1")], .malformed, "no count"),
            (["peer": .string(""), "accepted_count": .integer(0)], .malformed, "empty peer id"),
            (["peer": .string("n1"), "accepted_count": .integer(-1)], .malformed, "negative count"),
            (["peer": .integer(1), "accepted_count": .integer(0)], .malformed, "peer not a string"),
            (["peer": .string("n1"), "accepted_count": .integer(1), "extra": .null], .malformed, "extra member"),
            (["peer": .string("n1"), "accepted_count": .integer(1), "latest": .integer(3)], .malformed, "latest not a line"),
            (["peer": .string("n1"), "accepted_count": .integer(1), "latest": .string("{}")], .malformed, "latest not a checkpoint"),
            (["peer": .string("n1"), "accepted_count": .integer(1), "latest": .string(otherLine)], .malformed, "another node's checkpoint"),
            (["peer": .string("n1"), "accepted_count": .integer(1), "latest": .string(unsigned)], .malformed, "signature does not verify"),
        ]
        for (json, code, comment) in cases {
            #expect(throws: WitnessError(code, ""), Comment(rawValue: comment)) { try WitnessedPeer(json: json) }
        }
    }
}
