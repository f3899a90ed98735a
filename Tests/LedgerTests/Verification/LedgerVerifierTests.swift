import Foundation
import Records
import Testing
@testable import Ledger

@Suite struct LedgerVerifierTests {
    /// Expects verification to fail with `code` at `place` (file, line, kind, seq).
    private func expectFailure(
        _ fixture: LedgerFixture, _ code: LedgerVerificationFailure.Code, at place: LedgerFixture.Place,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let failure = fixture.failure() else {
            Issue.record("verification passed; expected \(code) at \(place)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.code == code, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.path == place.path, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.lineNumber == place.line, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.kind == place.kind, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.seq == place.seq, "\(failure)", sourceLocation: sourceLocation)
    }

    @Test func intactDirectoryVerifies() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let report = try fixture.verify().get()
        #expect(report.chains.map(\.kind) == ["attempt", "audit", "cdr", "checkpoint"])
        #expect(report.chains.map(\.records) == [5, 1, 12, 2])
        #expect(report.chains.first { $0.kind == "cdr" }?.files == 2)
        #expect(report.chains.first { $0.kind == "cdr" }?.lastHash == fixture.chains["cdr"]?.position.lastHash)
        #expect(report.checkpointCount == 2)
        #expect(report.totalRecords == 20)
        let last = try #require(report.lastCheckpoint)
        #expect(last.seq == 2)
        #expect(last.timeMicros == 99_000_000)
        #expect(last.chains["cdr"] == fixture.trees["cdr"]?.head)
        #expect(last.publicKeyBase64 == fixture.key.publicKeyBase64)
    }

    @Test func emptyDirectoryVerifiesWithNothingInIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try LedgerVerifier(dataDirectory: directory).verify()
        #expect(report.chains.isEmpty)
        #expect(report.lastCheckpoint == nil)
    }

    @Test func missingDirectoryIsUnreadable() {
        let missing = "/nonexistent/ledger-\(UUID().uuidString)"
        #expect(throws: LedgerVerificationFailure.self) { try LedgerVerifier(dataDirectory: missing).verify() }
        do {
            _ = try LedgerVerifier(dataDirectory: missing).verify()
        } catch {
            #expect(error.code == .unreadable)
        }
    }

    @Test func oneByteChangedInAMiddleRecord() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("cdr", seq: 5)
        try fixture.rewrite(place.path) { lines in
            lines[place.line - 1] = lines[place.line - 1].replacingOccurrences(of: "\"duration_ms\":30005", with: "\"duration_ms\":30006")
        }
        expectFailure(fixture, .hashMismatch, at: place)
    }

    @Test func recordDeleted() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let deleted = fixture.place("cdr", seq: 3)
        try fixture.rewrite(deleted.path) { $0.remove(at: deleted.line - 1) }
        // The next record moved into its line and carries seq 4.
        expectFailure(fixture, .seqMismatch, at: .init(path: deleted.path, line: deleted.line, kind: "cdr", seq: 4))
    }

    @Test func twoRecordsSwapped() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let first = fixture.place("cdr", seq: 3)
        try fixture.rewrite(first.path) { $0.swapAt(first.line - 1, first.line) }
        expectFailure(fixture, .seqMismatch, at: .init(path: first.path, line: first.line, kind: "cdr", seq: 4))
    }

    @Test func tailTruncatedAfterACheckpoint() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.rewrite(LedgerFixture.secondCDRFile) { $0.removeLast(2) }
        // The first checkpoint covers 4 cdr records (still there); the final one covers 12.
        expectFailure(fixture, .missingRecords, at: fixture.place("checkpoint", seq: 2))
    }

    @Test func recordAppendedWithACorrectHashButNoCheckpoint() throws {
        var fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.append("cdr", LedgerFixture.cdrFields(13), to: LedgerFixture.secondCDRFile)
        expectFailure(fixture, .unverified, at: fixture.place("cdr", seq: 13))
    }

    @Test func chainWithNoCheckpointAtAllIsUnverifiedFromItsFirstRecord() throws {
        let fixture = try LedgerFixture(checkpointAfterCDR: [], finalCheckpoint: false)
        defer { fixture.remove() }
        // attempt sorts first.
        expectFailure(fixture, .unverified, at: fixture.place("attempt", seq: 1))
    }

    @Test func checkpointSignatureAlteredIsCaughtByItsHash() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("checkpoint", seq: 2)
        try fixture.rewrite(place.path) { lines in
            lines[place.line - 1] = Self.flipSignatureCharacter(lines[place.line - 1])
        }
        expectFailure(fixture, .hashMismatch, at: place)
    }

    @Test func checkpointSignatureAlteredAndRehashed() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("checkpoint", seq: 2)
        try fixture.rewrite(place.path) { lines in
            lines[place.line - 1] = try Self.rehashed(Self.flipSignatureCharacter(lines[place.line - 1]))
        }
        expectFailure(fixture, .signatureInvalid, at: place)
    }

    @Test func publicKeyFileOfAnotherNode() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-otherkey-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let otherKey = try NodeSigningKey.loadOrCreate(dataDirectory: other)
        try Data((otherKey.publicKeyBase64 + "\n").utf8).write(to: URL(fileURLWithPath: fixture.directory + "/keys/node-ed25519.pub"))
        expectFailure(fixture, .keyMismatch, at: fixture.place("checkpoint", seq: 1))
    }

    @Test func checkpointsSignedByTwoKeys() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.directory + "/keys")
        // A third checkpoint, validly signed, but by another key.
        let other = try NodeSigningKey.loadOrCreate(dataDirectory: fixture.directory)
        #expect(other.publicKeyBase64 != fixture.key.publicKeyBase64)
        var chain = try #require(fixture.chains["checkpoint"])
        var heads: [String: ChainHead] = [:]
        for kind in ["cdr", "attempt", "audit"] {
            heads[kind] = fixture.trees[kind]?.head
        }
        let sealed = chain.seal(
            CheckpointFields.make(timeMicros: 100_000_000, chains: heads, publicKeyBase64: other.publicKeyBase64),
            sign: { other.signBase64($0) }
        )
        try LedgerFixture.appendLine(sealed.line, to: fixture.directory + "/checkpoint/checkpoint-n1-1.jsonl")
        // The key file now names the new key, so the first checkpoint is the odd one out.
        expectFailure(fixture, .keyMismatch, at: fixture.place("checkpoint", seq: 1))
        try FileManager.default.removeItem(atPath: fixture.directory + "/keys")
        // Without a key file, the checkpoints must agree among themselves: the third one differs.
        expectFailure(fixture, .keyMismatch, at: .init(path: "checkpoint/checkpoint-n1-1.jsonl", line: 3, kind: "checkpoint", seq: 3))
    }

    @Test func nonCanonicalLineWithAnExtraSpace() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("cdr", seq: 7)
        try fixture.rewrite(place.path) { lines in
            lines[place.line - 1] = lines[place.line - 1].replacingOccurrences(of: "\"final_code\":200", with: "\"final_code\": 200")
        }
        expectFailure(fixture, .notCanonical, at: place)
    }

    @Test func floatInARecord() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("attempt", seq: 2)
        try fixture.rewrite(place.path) { lines in
            lines[place.line - 1] = lines[place.line - 1].replacingOccurrences(of: "\"response_code\":200", with: "\"response_code\":200.0")
        }
        let failure = try #require(fixture.failure())
        #expect(failure.code == .nonIntegerNumber)
        #expect(failure.path == place.path)
        #expect(failure.lineNumber == place.line)
        #expect(failure.kind == "attempt")
        // The line does not parse, so its seq cannot be read.
        #expect(failure.seq == nil)
    }

    @Test func tornLastLine() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = fixture.directory + "/" + LedgerFixture.secondCDRFile
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Array("{\"a_leg\":{\"call".utf8))
        try handle.close()
        let failure = try #require(fixture.failure())
        #expect(failure.code == .tornLine)
        #expect(failure.path == LedgerFixture.secondCDRFile)
        #expect(failure.lineNumber == 7)
    }

    @Test func recordInTheWrongFolder() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let place = fixture.place("attempt", seq: 1)
        let cdrLine = try fixture.lines(fixture.place("cdr", seq: 1).path)[0]
        try fixture.rewrite(place.path) { lines in lines[0] = cdrLine }
        expectFailure(fixture, .wrongKind, at: place)
    }

    @Test func chainRewrittenWithFreshHashesBreaksTheMerkleRoot() throws {
        // An attacker changes cdr 2 and re-seals every later cdr record: every hash and prev_hash
        // is consistent again, but the signed roots are not.
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        var chain = HashChain(nodeID: LedgerFixture.node, kind: "cdr")
        var first: [String] = []
        var second: [String] = []
        for index in 1...12 {
            var fields = LedgerFixture.cdrFields(index)
            if index == 2 { fields["charge"] = .string("0.0001") }
            let line = String(decoding: chain.seal(fields).line.dropLast(), as: UTF8.self)
            if index <= 6 { first.append(line) } else { second.append(line) }
        }
        try fixture.rewrite(LedgerFixture.firstCDRFile) { $0 = first }
        try fixture.rewrite(LedgerFixture.secondCDRFile) { $0 = second }
        let failure = try #require(fixture.failure())
        #expect(failure.code == .rootMismatch)
        #expect(failure.path == fixture.place("checkpoint", seq: 1).path)
        #expect(failure.lineNumber == 1)
        #expect(failure.kind == "checkpoint")
        #expect(failure.seq == 1)
    }

    @Test func filesAreOrderedByFirstSeqNotByName() throws {
        // The fixture names the second cdr file so that it sorts first; verification passes anyway.
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(LedgerFixture.secondCDRFile < LedgerFixture.firstCDRFile)
        #expect(fixture.failure() == nil)
        // An empty extra file and a non-JSONL file beside the chain change nothing.
        _ = FileManager.default.createFile(atPath: fixture.directory + "/cdr/cdr-n1-0.jsonl", contents: nil)
        _ = FileManager.default.createFile(atPath: fixture.directory + "/cdr/cdr-n1-b.manifest.json", contents: Data("{}".utf8))
        try FileManager.default.createDirectory(atPath: fixture.directory + "/quarantine", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: fixture.directory + "/quarantine/x.jsonl.torn-1", contents: Data("{".utf8))
        #expect(fixture.failure() == nil)
    }

    @Test func failureDescriptionIsTheOneLineFormat() {
        let failure = LedgerVerificationFailure(.seqMismatch, path: "cdr/cdr-n1-a.jsonl", lineNumber: 5, kind: "cdr", seq: 6, "expected seq 5")
        #expect(failure.description == "cdr/cdr-n1-a.jsonl:5: cdr seq 6: expected seq 5")
        let unknown = LedgerVerificationFailure(.invalidJSON, path: "cdr/x.jsonl", lineNumber: 2, kind: "cdr", seq: nil, "not a JSON record")
        #expect(unknown.description == "cdr/x.jsonl:2: cdr seq ?: not a JSON record")
    }

    static func flipSignatureCharacter(_ line: String) -> String {
        guard let marker = line.range(of: "\"signature\":\"") else { return line }
        let index = line.index(marker.upperBound, offsetBy: 10)
        return line.replacingCharacters(in: index...index, with: line[index] == "A" ? "B" : "A")
    }

    /// The line with its `hash` recomputed, as an attacker would.
    static func rehashed(_ line: String) throws -> String {
        guard case .object(var object) = try CanonicalJSONParser().parse(Array(line.utf8)) else {
            throw CanonicalJSONParseError(.unexpectedByte, offset: 0, "not an object")
        }
        object.removeValue(forKey: "hash")
        object["hash"] = .string(RecordHashing.hash(of: object).hex)
        return CanonicalJSON.object(object).canonicalString()
    }
}
