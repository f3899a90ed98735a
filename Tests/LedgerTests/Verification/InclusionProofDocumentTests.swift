import Foundation
import Records
import Testing
@testable import Ledger

@Suite struct InclusionProofDocumentTests {
    @Test func roundTripBySeqAgainstTheLatestCoveringCheckpoint() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        for seq in 1...12 {
            let document = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: UInt64(seq)))
            #expect(document.leafIndex == UInt64(seq - 1))
            // The final checkpoint covers all 12 and is the latest.
            #expect(document.treeSize == 12)
            #expect(document.checkpoint["seq"] == .integer(2))
            #expect(document.record["id"] == .string("cdr-\(seq)"))
            try document.verify(trustedPublicKeyBase64: fixture.key.publicKeyBase64)
            let reread = try InclusionProofDocument(json: document.canonicalJSON().canonicalBytes())
            #expect(reread == document)
            try reread.verify()
        }
    }

    @Test func byCDRIDAndForOtherChains() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let byID = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .cdrID("cdr-7"))
        #expect(byID.record["seq"] == .integer(7))
        try byID.verify()
        let attempt = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "attempt", seq: 3))
        #expect(attempt.treeSize == 5)
        try attempt.verify()
    }

    @Test func recordsNotFoundOrNotCovered() throws {
        var fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(throws: InclusionProofError(.recordNotFound, "")) {
            try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: 13))
        }
        #expect(throws: InclusionProofError(.recordNotFound, "")) {
            try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .cdrID("cdr-99"))
        }
        #expect(throws: InclusionProofError(.recordNotFound, "")) {
            try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "bidlog", seq: 1))
        }
        try fixture.append("cdr", LedgerFixture.cdrFields(13), to: LedgerFixture.secondCDRFile)
        #expect(throws: InclusionProofError(.notCovered, "")) {
            try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: 13))
        }
    }

    @Test func anEarlierCheckpointIsUsedWhenOnlyItCovers() throws {
        // Checkpoints after cdr 4 and 8, none at the end: cdr 6 is proven against the second.
        let fixture = try LedgerFixture(checkpointAfterCDR: [4, 8], finalCheckpoint: false)
        defer { fixture.remove() }
        let document = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: 6))
        #expect(document.treeSize == 8)
        try document.verify()
    }

    @Test func tamperedProofsFail() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let document = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: 5))

        var record = document.record
        record["duration_ms"] = .integer(1)
        #expect(throws: InclusionProofError(.recordHashMismatch, "")) { try Self.with(document, record: record).verify() }

        // Another record of the chain, correctly hashed, against this proof's path.
        let other = try InclusionProofDocument.build(dataDirectory: fixture.directory, target: .seq(kind: "cdr", seq: 6))
        #expect(throws: InclusionProofError(.inclusionInvalid, "")) { try Self.with(document, record: other.record).verify() }

        var path = document.auditPath
        path[0] = LedgerHash.sha256(Array("x".utf8))
        #expect(throws: InclusionProofError(.inclusionInvalid, "")) { try Self.with(document, auditPath: path).verify() }
        #expect(throws: InclusionProofError(.inclusionInvalid, "")) { try Self.with(document, auditPath: Array(path.dropLast())).verify() }

        var checkpoint = document.checkpoint
        checkpoint["time_us"] = .integer(1)
        #expect(throws: InclusionProofError(.checkpointInvalid, "")) { try Self.with(document, checkpoint: checkpoint).verify() }
        checkpoint["hash"] = .string(RecordHashing.hash(of: checkpoint.filter { $0.key != "hash" }).hex)
        #expect(throws: InclusionProofError(.checkpointInvalid, "")) { try Self.with(document, checkpoint: checkpoint).verify() }

        // A proof against an older, smaller tree whose root the checkpoint does not list.
        let tree = try Self.cdrTree(fixture)
        let smaller = InclusionProofDocument(
            record: document.record, leafIndex: 4, treeSize: 8, root: try tree.root(size: 8),
            auditPath: try tree.inclusionProof(index: 4, size: 8), checkpoint: document.checkpoint
        )
        #expect(throws: InclusionProofError(.checkpointMismatch, "")) { try smaller.verify() }

        let strangerDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-stranger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: strangerDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: strangerDirectory) }
        let stranger = try NodeSigningKey.loadOrCreate(dataDirectory: strangerDirectory)
        #expect(throws: InclusionProofError(.keyMismatch, "")) { try document.verify(trustedPublicKeyBase64: stranger.publicKeyBase64) }
    }

    @Test func malformedDocuments() {
        for text in ["", "[]", #"{"format":"other"}"#, #"{"format":"sipswarm-inclusion-proof-1","record":{}}"#] {
            #expect(throws: InclusionProofError(.malformedDocument, "")) { try InclusionProofDocument(json: Array(text.utf8)) }
        }
    }

    static func with(
        _ document: InclusionProofDocument, record: [String: CanonicalJSON]? = nil, auditPath: [LedgerHash]? = nil,
        checkpoint: [String: CanonicalJSON]? = nil
    ) -> InclusionProofDocument {
        InclusionProofDocument(
            record: record ?? document.record, leafIndex: document.leafIndex, treeSize: document.treeSize, root: document.root,
            auditPath: auditPath ?? document.auditPath, checkpoint: checkpoint ?? document.checkpoint
        )
    }

    static func cdrTree(_ fixture: LedgerFixture) throws -> MerkleTree {
        try #require(fixture.trees["cdr"])
    }
}
