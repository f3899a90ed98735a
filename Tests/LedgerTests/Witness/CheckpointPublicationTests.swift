import Foundation
import Records
import Testing
@testable import Ledger

@Suite struct CheckpointPublicationTests {
    /// A node at cdr 9 / attempt 4 and its checkpoint line.
    static func node() throws -> (WitnessFixture, String) {
        var node = WitnessFixture(key: try WitnessFixture.makeKey())
        node.grow("cdr", to: 9)
        node.grow("attempt", to: 4)
        return (node, node.checkpoint())
    }

    static func rejects(_ body: [UInt8], _ code: WitnessError.Code, _ comment: Comment) {
        #expect(throws: WitnessError(code, ""), comment) { try CheckpointPublication(body: body) }
    }

    @Test func aBodyRoundTripsAndIsCanonical() throws {
        let (node, line) = try Self.node()
        let publication = try node.publication(line, acknowledged: ["cdr": 5, "attempt": 4])
        #expect(publication.proofs["cdr"]?.fromSize == 5)
        #expect(publication.proofs["cdr"]?.toSize == 9)
        #expect(publication.proofs["cdr"]?.path.isEmpty == false)
        #expect(publication.proofs["attempt"]?.path == [])
        let body = publication.encoded()
        let reread = try CheckpointPublication(body: body)
        #expect(reread == publication)
        #expect(reread.checkpoint.line == line)
        guard case .object(let fields) = try CanonicalJSONParser().parseCanonical(body),
              case .object(let proofs)? = fields["proofs"], case .object(let cdr)? = proofs["cdr"]
        else {
            Issue.record("body is not canonical {checkpoint, proofs: {cdr: {...}}}")
            return
        }
        #expect(fields["checkpoint"] == .string(line))
        #expect(Set(cdr.keys) == ["from_size", "to_size", "path"])
        // Whitespace around tokens is read too: the body need not be canonical, the checkpoint line must.
        let spaced = Array(" \n".utf8) + body + Array("\n ".utf8)
        #expect(try CheckpointPublication(body: spaced) == publication)
    }

    @Test func theStatementReadsTheCheckpointFields() throws {
        let (node, line) = try Self.node()
        let statement = try CheckpointStatement(line: line)
        #expect(statement.nodeID == "n1")
        #expect(statement.seq == 1)
        #expect(statement.timeMicros == 1_700_000_000_000_000)
        #expect(statement.heads == node.trees.mapValues(\.head))
        #expect(statement.publicKey == node.key.publicKeyBytes)
        #expect(statement.signatureVerifies)
        #expect(try WitnessJudgeTests.field("hash", of: line) == .string(statement.hash.hex))
    }

    @Test func makeRefusesTreesThatDoNotHoldTheCheckpoint() throws {
        let (node, line) = try Self.node()
        var trees = node.trees
        trees.removeValue(forKey: "attempt")
        #expect(throws: WitnessError(.treeMismatch, "")) {
            try CheckpointPublication.make(checkpointLine: line, trees: trees, acknowledged: [:])
        }
        var small = MerkleTree()
        small.append(recordHash: WitnessFixture.leaf("cdr", 0))
        #expect(throws: WitnessError(.treeMismatch, "")) {
            try CheckpointPublication.make(checkpointLine: line, trees: ["cdr": small, "attempt": node.trees["attempt"] ?? small], acknowledged: [:])
        }
        var other = node
        other.rebuild(["cdr": 9, "attempt": 4], forgedFrom: 8)
        #expect(throws: WitnessError(.treeMismatch, "")) {
            try CheckpointPublication.make(checkpointLine: line, trees: other.trees, acknowledged: [:])
        }
        // Trees beyond the checkpoint are fine: proofs go to the checkpoint's sizes.
        var ahead = node
        ahead.grow("cdr", to: 20)
        let publication = try CheckpointPublication.make(checkpointLine: line, trees: ahead.trees, acknowledged: ["cdr": 3])
        #expect(publication.proofs["cdr"]?.toSize == 9)
        #expect(MerkleProofs.verifyConsistency(
            oldSize: 3, newSize: 9, oldRoot: try node.trees["cdr"]?.root(size: 3) ?? .zero, newRoot: try node.trees["cdr"]?.root(size: 9) ?? .zero,
            proof: publication.proofs["cdr"]?.path ?? []
        ))
        // An acknowledged size above the checkpoint's is passed on with an empty path, for the witness to see.
        let behind = try CheckpointPublication.make(checkpointLine: line, trees: node.trees, acknowledged: ["cdr": 12])
        #expect(behind.proofs["cdr"] == ConsistencyStep(kind: "cdr", fromSize: 12, toSize: 9, path: []))
        #expect(throws: WitnessError(.malformed, "")) {
            try CheckpointPublication.make(checkpointLine: "not a checkpoint", trees: node.trees, acknowledged: [:])
        }
    }

    @Test func oversizedAndNonJSONBodiesAreRefused() throws {
        Self.rejects([UInt8](repeating: UInt8(ascii: " "), count: CheckpointPublication.maximumBodyBytes + 1), .tooLarge, "oversized")
        for text in ["", "hello", "{", "[]", "null", "\"x\"", "{\"checkpoint\":1.5,\"proofs\":{}}", String(repeating: "[", count: 100)] {
            Self.rejects(Array(text.utf8), .malformed, "\(text.prefix(20))")
        }
        Self.rejects([0xFF, 0xFE, 0x00], .malformed, "binary")
    }

    @Test func wrongTypesAndNegativeSizesAreRefused() throws {
        let (node, line) = try Self.node()
        let good = try node.publication(line, acknowledged: ["cdr": 5, "attempt": 4]).encoded()
        guard case .object(let fields) = try CanonicalJSONParser().parse(good), case .object(let proofs)? = fields["proofs"] else {
            Issue.record("unreadable good body")
            return
        }
        func withCDRProof(_ change: (inout [String: CanonicalJSON]) -> Void) -> CanonicalJSON {
            var cdr: [String: CanonicalJSON] = [:]
            if case .object(let fields)? = proofs["cdr"] { cdr = fields }
            change(&cdr)
            var all = proofs
            all["cdr"] = .object(cdr)
            return .object(all)
        }
        let checkpoint = CanonicalJSON.string(line)
        let cases: [([UInt8], WitnessError.Code, String)] = [
            (WitnessFixture.body(checkpoint: .integer(1), proofs: .object(proofs)), .malformed, "checkpoint not a string"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: .array([])), .malformed, "proofs not an object"),
            (CanonicalJSON.object(["checkpoint": checkpoint]).canonicalBytes(), .malformed, "proofs missing"),
            (CanonicalJSON.object(["checkpoint": checkpoint, "proofs": .object(proofs), "extra": .null]).canonicalBytes(), .malformed, "extra member"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["from_size"] = .integer(-1) }), .malformed, "negative from_size"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["to_size"] = .integer(-9) }), .malformed, "negative to_size"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["to_size"] = .string("9") }), .malformed, "to_size a string"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["path"] = .string("ab") }), .malformed, "path a string"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["path"] = .array([.integer(1)]) }), .malformed, "path of integers"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["path"] = .array([.string(String(repeating: "a", count: 63))]) }), .malformed, "63 hex"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["path"] = .array([.string(String(repeating: "a", count: 66))]) }), .malformed, "66 hex"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["path"] = .array([.string(String(repeating: "A", count: 64))]) }), .malformed, "upper-case hex"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["extra"] = .integer(1) }), .malformed, "extra proof member"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: .object(["cdr": proofs["cdr"] ?? .null])), .proofMismatch, "attempt proof missing"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: .object(proofs.merging(["bidlog": proofs["attempt"] ?? .null]) { $1 })), .proofMismatch, "extra kind"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["to_size"] = .integer(10) }), .proofMismatch, "to_size not the checkpoint's"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["from_size"] = .integer(0) }), .proofMismatch, "a path from 0"),
            (WitnessFixture.body(checkpoint: checkpoint, proofs: withCDRProof { $0["from_size"] = .integer(9) }), .proofMismatch, "a path to the same size"),
        ]
        for (body, code, comment) in cases {
            Self.rejects(body, code, Comment(rawValue: comment))
        }
    }

    @Test func hugeProofArraysAreRefusedBeforeTheyCostAnything() throws {
        let (_, line) = try Self.node()
        let hash = CanonicalJSON.string(LedgerHash.zero.hex)
        for count in [ConsistencyStep.maximumPathLength + 1, 3_000] {
            let proofs = CanonicalJSON.object([
                "cdr": .object(["from_size": .integer(5), "to_size": .integer(9), "path": .array(Array(repeating: hash, count: count))]),
                "attempt": .object(["from_size": .integer(4), "to_size": .integer(4), "path": .array([])]),
            ])
            Self.rejects(WitnessFixture.body(checkpoint: .string(line), proofs: proofs), .proofMismatch, "\(count) path entries")
        }
        // Too many kinds is refused before any is read.
        var many: [String: CanonicalJSON] = [:]
        for index in 0...CheckpointStatement.maximumChains {
            many["k\(index)"] = .object(["from_size": .integer(0), "to_size": .integer(0), "path": .array([])])
        }
        Self.rejects(WitnessFixture.body(checkpoint: .string(line), proofs: .object(many)), .proofMismatch, "too many kinds")
        // A body past the size limit made of hashes is refused by size.
        let oversized = CanonicalJSON.object([
            "cdr": .object(["from_size": .integer(5), "to_size": .integer(9), "path": .array(Array(repeating: hash, count: 5_000))]),
        ])
        Self.rejects(WitnessFixture.body(checkpoint: .string(line), proofs: oversized), .tooLarge, "5000 hashes")
    }

    @Test func hostileCheckpointLinesAreRefused() throws {
        let (node, line) = try Self.node()
        func body(_ checkpointLine: String) throws -> [UInt8] {
            let good = try node.publication(line).encoded()
            guard case .object(let fields) = try CanonicalJSONParser().parse(good), let proofs = fields["proofs"] else { return [] }
            return WitnessFixture.body(checkpoint: .string(checkpointLine), proofs: proofs)
        }
        let altered = line.replacingOccurrences(of: "\"time_us\":1700000000000000", with: "\"time_us\":1700000000000001")
        #expect(altered != line)
        let cases: [(String, WitnessError.Code, String)] = [
            ("", .malformed, "empty line"),
            (" " + line, .malformed, "not canonical: leading space"),
            (line + "\n", .malformed, "trailing newline"),
            (altered, .hashMismatch, "a field changed, hash not recomputed"),
            (try WitnessFixture.resealed(line, ["kind": .string("cdr")]), .malformed, "kind cdr"),
            (try WitnessFixture.resealed(line, ["node": .integer(1)]), .malformed, "node not a string"),
            (try WitnessFixture.resealed(line, ["seq": .integer(0)]), .malformed, "seq 0"),
            (try WitnessFixture.resealed(line, ["seq": .integer(-3)]), .malformed, "negative seq"),
            (try WitnessFixture.resealed(line, ["time_us": .string("now")]), .malformed, "time_us a string"),
            (try WitnessFixture.resealed(line, ["public_key": .string("AAAA")]), .malformed, "short key"),
            (try WitnessFixture.resealed(line, ["signature": .integer(0)]), .malformed, "signature not a string"),
            (try WitnessFixture.resealed(line, ["chains": .array([])]), .malformed, "chains an array"),
            (try WitnessFixture.resealed(line, ["chains": .object(["cdr": .object(["root": .string("ab"), "size": .integer(9)])])]), .malformed, "short root"),
            (try WitnessFixture.resealed(line, ["chains": .object(["cdr": .object(["root": .string(LedgerHash.zero.hex), "size": .integer(-1)])])]), .malformed, "negative size"),
            (try WitnessFixture.resealed(line, ["chains": .object(["checkpoint": .object(["root": .string(LedgerHash.zero.hex), "size": .integer(1)])])]), .malformed, "the checkpoint chain listed"),
            (String(repeating: "x", count: CheckpointStatement.maximumLineBytes + 1), .tooLarge, "oversized line"),
        ]
        for (checkpointLine, code, comment) in cases {
            #expect(throws: WitnessError(code, ""), Comment(rawValue: comment)) { try CheckpointStatement(line: checkpointLine) }
            Self.rejects(try body(checkpointLine), code, Comment(rawValue: comment))
        }
    }

    @Test func mutatedBodiesNeverCrashAndNeverPassAsTheOriginal() throws {
        let (node, line) = try Self.node()
        let original = try node.publication(line, acknowledged: ["cdr": 5, "attempt": 4])
        let body = original.encoded()
        var generator = SplitMix(seed: 7)
        var refused = 0
        for round in 0..<600 {
            var mutated = body
            for _ in 0...(round % 3) {
                let index = Int(generator.next() % UInt64(mutated.count))
                switch generator.next() % 3 {
                case 0: mutated[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                case 1: mutated.remove(at: index)
                default: mutated.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
                }
            }
            do {
                let parsed = try CheckpointPublication(body: mutated)
                // Whatever still parses must judge like a checkpoint, never crash; a changed one is never the held one.
                let verdict = WitnessJudge.judge(parsed, for: WitnessedPeer(peerID: "n1"), peerKey: node.key.publicKeyBytes)
                if parsed != original, case .accepted = verdict {
                    // Only whitespace-free re-orderings of the same facts could be accepted; the checkpoint must be the same.
                    #expect(parsed.checkpoint == original.checkpoint)
                }
            } catch {
                refused += 1
            }
        }
        #expect(refused > 500)
    }
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
