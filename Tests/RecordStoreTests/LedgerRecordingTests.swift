import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

@Suite struct LedgerRecordingTests {
    @Test func recordsWrittenThroughTheSinkFormValidChains() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<40 {
            sink.emit(RecordFixtures.session(index: index, attempts: 2))
        }
        sink.close()

        let cdrs = try LedgerFixtures.chain("cdr", in: directory)
        let attempts = try LedgerFixtures.chain("attempt", in: directory)
        let audits = try LedgerFixtures.chain("audit", in: directory)
        let checkpoints = try LedgerFixtures.chain("checkpoint", in: directory)
        #expect(cdrs.count == 40)
        #expect(attempts.count == 80)
        #expect(Set(cdrs.compactMap { $0.json["session_id"] as? String }).count == 40)
        #expect(audits.map { $0.json["event"] as? String } == ["node_started"])
        #expect(audits.first?.json["version"] as? String == "0.1.0")
        // One checkpoint right after start, one at close.
        #expect(checkpoints.count == 2)
    }

    @Test func auditRecordsFromOtherComponentsJoinTheAuditChainAndTheCheckpointCoversThem() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        sink.emitAudit(["event": .string("peer_checkpoint_accepted"), "time_us": .integer(7), "peer": .string("n2")])
        #expect(sink.flush(timeout: .seconds(30)))
        #expect(sink.durableSequences["audit"] == 2)
        sink.close()
        let audits = try LedgerFixtures.chain("audit", in: directory)
        #expect(audits.map { $0.json["event"] as? String } == ["node_started", "peer_checkpoint_accepted"])
        #expect(audits.last?.json["peer"] as? String == "n2")
        let report = try LedgerVerifier(dataDirectory: directory).verify()
        #expect(report.chains.first { $0.kind == "audit" }?.records == 2)
    }

    @Test func bidRoundsAreChainedInTheirOwnVerifiedChain() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<5 {
            let plain = RecordFixtures.session(index: index, attempts: 1)
            let rounds = (1...2).map { round in
                BidLogRecord(
                    recordID: "bid-\(index)-\(round)", nodeID: "n1", sessionID: plain.cdr.sessionID, cdrRecordID: plain.cdr.recordID,
                    attemptNumber: round, negotiationID: "0b9f3c2e-0000-4000-8000-00000000000\(index)", round: round,
                    providerID: "p1", offered: round == 1 ? "0.010000" : "0.011000", asked: round == 1 ? "0.011000" : nil,
                    currency: "EUR", priceUnit: "per-min", outcome: round == 1 ? "counter_accepted" : "accepted", timeMicros: 1_000 + Int64(round)
                )
            }
            sink.emit(SessionRecords(cdr: plain.cdr, attempts: plain.attempts, bidLog: rounds))
        }
        sink.close()
        let rounds = try LedgerFixtures.chain("bidlog", in: directory)
        #expect(rounds.count == 10)
        #expect(rounds.map { $0.json["outcome"] as? String }.filter { $0 == "accepted" }.count == 5)
        #expect(rounds.first?.json["asked"] as? String == "0.011000")
        // The checkpoint covers the bid log, and the verifier checks it like any chain.
        let report = try LedgerVerifier(dataDirectory: directory).verify()
        #expect(report.chains.first { $0.kind == "bidlog" }?.records == 10)
    }

    @Test func closeWritesASignedCheckpointOverTheMerkleRootsOfEveryChain() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualMicrosecondClock(1_709_294_400_000_000)
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1", clock: clock)
        for index in 0..<13 {
            sink.emit(RecordFixtures.session(index: index, attempts: index % 3))
        }
        sink.close()

        let checkpoint = try #require(try LedgerFixtures.chain("checkpoint", in: directory).last)
        #expect(CheckpointFields.verifySignature(checkpoint.object))
        var tampered = checkpoint.object
        tampered["time_us"] = .integer(1)
        #expect(!CheckpointFields.verifySignature(tampered))
        let publicKey = try #require(try NodeSigningKey.loadPublicKey(dataDirectory: directory))
        #expect(checkpoint.json["public_key"] as? String == Data(publicKey).base64EncodedString())
        #expect(checkpoint.json["time_us"] as? Int == 1_709_294_400_000_000)

        let heads = try #require(CheckpointFields.chainHeads(of: checkpoint.object))
        #expect(Set(heads.keys) == ["cdr", "attempt", "bidlog", "audit"])
        for kind in ["cdr", "attempt", "bidlog", "audit"] {
            let records = try LedgerFixtures.chain(kind, in: directory)
            #expect(heads[kind]?.size == UInt64(records.count), "\(kind) size")
            #expect(heads[kind]?.root == LedgerFixtures.merkleRoot(records), "\(kind) root")
        }
        #expect(heads["attempt"]?.size == 12)
    }

    @Test func aChainWithNoRecordsIsCheckpointedWithSizeZeroAndTheEmptyRoot() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1").close()
        let checkpoint = try #require(try LedgerFixtures.chain("checkpoint", in: directory).last)
        let heads = try #require(CheckpointFields.chainHeads(of: checkpoint.object))
        #expect(heads["cdr"] == ChainHead(size: 0, root: MerkleHashing.emptyRoot))
        #expect(heads["attempt"]?.size == 0)
        #expect(heads["audit"]?.size == 1)
    }

    @Test func aRestartContinuesEveryChainInANewFile() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<3 {
            first.emit(RecordFixtures.session(index: index, attempts: 1))
        }
        first.close()
        let second = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 3..<5 {
            second.emit(RecordFixtures.session(index: index, attempts: 1))
        }
        second.close()

        #expect(first.cdrFilePath != second.cdrFilePath)
        let cdrs = try LedgerFixtures.chain("cdr", in: directory)
        #expect(cdrs.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(cdrs[3].file == second.cdrFilePath)
        #expect(cdrs[3].json["prev_hash"] as? String == cdrs[2].hash.hex)
        #expect(try LedgerFixtures.chain("attempt", in: directory).count == 5)
        let audits = try LedgerFixtures.chain("audit", in: directory)
        #expect(audits.map { $0.json["event"] as? String } == ["node_started", "node_started"])
        // start + close, twice; the last one covers everything.
        let checkpoints = try LedgerFixtures.chain("checkpoint", in: directory)
        #expect(checkpoints.count == 4)
        let heads = try #require(checkpoints.last.flatMap { CheckpointFields.chainHeads(of: $0.object) })
        #expect(heads["cdr"] == ChainHead(size: 5, root: LedgerFixtures.merkleRoot(cdrs)))
    }

    @Test(arguments: [
        Array(#"{"final_code":200,"kind":"cd"#.utf8),  // torn mid-write, no newline
        [0, 0, 0, 0],  // a block of zeros after a crash
    ])
    func aTornLastLineIsQuarantinedAndTheChainContinues(tail: [UInt8]) throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<3 {
            first.emit(RecordFixtures.session(index: index, attempts: 0))
        }
        first.close()
        let goodBytes = try Data(contentsOf: URL(fileURLWithPath: first.cdrFilePath))
        try Self.append(tail, to: first.cdrFilePath)

        let second = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        second.emit(RecordFixtures.session(index: 3, attempts: 0))
        second.close()

        // The original is back to its last good line; the torn bytes are kept, byte for byte.
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.cdrFilePath)) == goodBytes)
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: directory + "/quarantine")
        #expect(quarantine.count == 1)
        let quarantineName = try #require(quarantine.first)
        let cdrName = URL(fileURLWithPath: first.cdrFilePath).lastPathComponent
        #expect(quarantineName.hasPrefix(cdrName + ".torn-"))
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/quarantine/" + quarantineName))) == tail)

        #expect(try LedgerFixtures.chain("cdr", in: directory).map(\.seq) == [1, 2, 3, 4])
        let audits = try LedgerFixtures.chain("audit", in: directory)
        #expect(audits.map { $0.json["event"] as? String } == ["node_started", "torn_line_quarantined", "node_started"])
        let torn = audits[1].json
        #expect(torn["file"] as? String == "cdr/" + cdrName)
        #expect(torn["bytes"] as? Int == tail.count)
        #expect(torn["quarantine_file"] as? String == "quarantine/" + quarantineName)
        #expect(torn["time_us"] is Int)
    }

    /// A complete last line that is not a valid record was not torn by a crash (appends end in
    /// `\n`): it is tampering or corruption, and the node must not "repair" the evidence.
    @Test func aCompleteDamagedLastLineRefusesTheStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        first.emit(RecordFixtures.session(index: 0, attempts: 0))
        first.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: first.cdrFilePath))
        try Self.append(Array(#"{"kind":"cdr","seq":2}"#.utf8) + [0x0A], to: first.cdrFilePath)

        #expect {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        } throws: { error in
            (error as? RecordSinkError)?.code == .chainBroken && "\(error)".contains("line 2")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.cdrFilePath)) == before + Data(#"{"kind":"cdr","seq":2}"#.utf8) + Data([0x0A]))
        #expect(!FileManager.default.fileExists(atPath: directory + "/quarantine"))
    }

    @Test func aLastFileHoldingOnlyATornLineIsEmptiedAndTheChainContinues() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        first.emit(RecordFixtures.session(index: 0, attempts: 0))
        first.close()
        // A start that crashed during its first CDR write.
        let crashed = directory + "/cdr/cdr-n1-29990101T000000.jsonl"
        try Self.append(Array(#"{"a_leg":{"#.utf8), to: crashed)

        let second = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        second.emit(RecordFixtures.session(index: 1, attempts: 0))
        second.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: crashed)).isEmpty)
        #expect(try LedgerFixtures.chain("cdr", in: directory).map(\.seq) == [1, 2])
    }

    @Test func aCorruptedMiddleRecordRefusesTheStartNamingFileAndLine() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<3 {
            first.emit(RecordFixtures.session(index: index, attempts: 0))
        }
        first.close()
        var text = try String(contentsOfFile: first.cdrFilePath, encoding: .utf8)
        let range = try #require(text.range(of: "\"s-1\""))
        text.replaceSubrange(range, with: "\"s-9\"")
        try text.write(toFile: first.cdrFilePath, atomically: false, encoding: .utf8)

        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        }
        #expect(error?.code == .chainBroken)
        #expect(error?.reason.contains(first.cdrFilePath + " line 2") == true)
        // Nothing was quarantined, truncated or started: the files are as the operator left them.
        #expect(!FileManager.default.fileExists(atPath: directory + "/quarantine"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/cdr").filter { $0.hasSuffix(".jsonl") }.count == 1)
        #expect(try String(contentsOfFile: first.cdrFilePath, encoding: .utf8) == text)
    }

    @Test func aDeletedMiddleRecordRefusesTheStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        for index in 0..<3 {
            first.emit(RecordFixtures.session(index: index, attempts: 0))
        }
        first.close()
        var lines = try RecordFixtures.lines(ofFile: first.cdrFilePath)
        lines.remove(at: 1)
        try (lines.joined(separator: "\n") + "\n").write(toFile: first.cdrFilePath, atomically: false, encoding: .utf8)
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        }
        #expect(error?.code == .chainBroken)
        #expect(error?.reason.contains("line 2: seq 3, expected 2") == true)
    }

    @Test func anotherNodesDataDirectoryIsRefused() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1").close()
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n2")
        }
        #expect(error?.code == .chainBroken)
    }

    @Test func aSecondSinkOnTheSameDataDirectoryIsRefusedWhileTheFirstIsOpen() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        }
        #expect(error?.code == .dataDirectoryLocked)
        first.close()
        try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1").close()
    }

    @Test func anUnusableKeyIsATypedErrorAtStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
        try "not base64!\n".write(toFile: directory + "/keys/node-ed25519.key", atomically: false, encoding: .utf8)
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        }
        #expect(error?.code == .signingKeyUnavailable)
        #expect(!FileManager.default.fileExists(atPath: directory + "/cdr"))
    }

    // The one timing test: a 1 s interval, checked with generous bounds.
    @Test func aCheckpointIsWrittenPeriodicallyOnlyWhenRecordsWereWritten() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1", checkpointInterval: .seconds(1))
        defer { sink.close() }
        #expect(RecordFixtures.eventually { sink.checkpointCount == 1 })
        sink.emit(RecordFixtures.session(index: 0, attempts: 1))
        sink.flush()
        #expect(RecordFixtures.eventually(seconds: 5) { sink.checkpointCount == 2 })
        let checkpoints = try LedgerFixtures.chain("checkpoint", in: directory)
        let heads = try #require(checkpoints.last.flatMap { CheckpointFields.chainHeads(of: $0.object) })
        #expect(heads["cdr"]?.size == 1)
        #expect(heads["attempt"]?.size == 1)
        // Nothing written since: no further checkpoint.
        usleep(1_500_000)
        #expect(sink.checkpointCount == 2)
    }

    private static func append(_ bytes: [UInt8], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }
}
