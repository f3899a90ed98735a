import Foundation
import Ledger
import Node
import RecordStore
import Records
import Testing

@Suite struct ReconcileVerifierTests {
    /// Asks `from`'s directory for `receipts` and checks the answer against our own CDRs in `ours`.
    static func reconcile(
        _ receipts: [String], ours: String, from peer: String, peerID: String, tolerance: Duration = .seconds(1), peerKey: [UInt8]? = nil
    ) throws -> [String: ReconcileOutcome] {
        let request = try ReconcileRequest(receipts: receipts)
        // Over the wire and back, as the admin plane carries it.
        let answer = try ReconcileAnswer(body: try ReconcileResponder.answer(try ReconcileRequest(body: request.encoded()), dataDirectory: peer).encoded())
        let own = try ReceiptRecordIndex.build(dataDirectory: ours, receipts: Set(receipts))
        let verifier = ReconcileVerifier(peerID: peerID, peerKey: try peerKey ?? ReconcileFixture.publicKey(of: peer), tolerance: tolerance)
        return Dictionary(uniqueKeysWithValues: verifier.verify(ours: own.entries, answer: answer).map { ($0.receipt, $0.outcome) })
    }

    @Test func bothEndsOfTheSameCallsAgree() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let receipts = [1, 4, 8, 9].map(ReconcileFixture.guid)
        let upstream = try Self.reconcile(receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        #expect(upstream == Dictionary(uniqueKeysWithValues: receipts.map { ($0, ReconcileOutcome.agree) }))
        // And from the other end: nb asks na.
        let downstream = try Self.reconcile(receipts, ours: fixture.downstream, from: fixture.upstream, peerID: "na")
        #expect(downstream == upstream)
    }

    @Test func anotherRateAtThePeerIsAMismatch() throws {
        // Call 6's rate is written with fewer digits: the same price, compared as an exact decimal.
        let fixture = try ReconcileFixture(deviations: [5: .init(customerRate: "0.013000"), 6: .init(customerRate: "0.0125")])
        defer { fixture.remove() }
        let outcomes = try Self.reconcile([5, 6].map(ReconcileFixture.guid), ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        #expect(outcomes[ReconcileFixture.guid(5)] == .mismatch([ReconcileDifference(field: "rate", ours: "0.012500", theirs: "0.013000")]))
        #expect(outcomes[ReconcileFixture.guid(6)] == .agree)
        // The same from nb's side: its customer price toward na against na's provider price toward nb.
        let reverse = try Self.reconcile([ReconcileFixture.guid(5)], ours: fixture.downstream, from: fixture.upstream, peerID: "na")
        #expect(reverse[ReconcileFixture.guid(5)] == .mismatch([ReconcileDifference(field: "rate", ours: "0.013000", theirs: "0.012500")]))
    }

    @Test func aReceiptStateThatDiffersIsAMismatch() throws {
        let fixture = try ReconcileFixture(deviations: [2: .init(state: .missing)])
        defer { fixture.remove() }
        let outcomes = try Self.reconcile([ReconcileFixture.guid(2)], ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        #expect(outcomes[ReconcileFixture.guid(2)] == .mismatch([ReconcileDifference(field: "receipt_state", ours: "confirmed", theirs: "missing")]))
    }

    @Test func timesAreComparedWithinTheTolerance() throws {
        let fixture = try ReconcileFixture(deviations: [3: .init(endShiftMicros: 3_000_000)])
        defer { fixture.remove() }
        let receipts = [3, 4].map(ReconcileFixture.guid)
        let outcomes = try Self.reconcile(receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb", tolerance: .seconds(1))
        let answer: Int64 = 1_700_000_000_000_000 + 3 * 60_000_000
        #expect(outcomes[receipts[0]] == .mismatch([
            ReconcileDifference(field: "end_us", ours: String(answer + 61_000_000), theirs: String(answer - 3_000 + 61_008_000 + 3_000_000)),
        ]))
        #expect(outcomes[receipts[1]] == .agree)
        // The ordinary 3 ms / 5 ms skew is outside a 4 ms tolerance for the end only, and inside 5 ms for both.
        let tight = try Self.reconcile([receipts[1]], ours: fixture.upstream, from: fixture.downstream, peerID: "nb", tolerance: .milliseconds(4))
        guard case .mismatch(let differences)? = tight[receipts[1]] else {
            Issue.record("expected a mismatch at 4 ms, got \(String(describing: tight[receipts[1]]))")
            return
        }
        #expect(differences.map(\.field) == ["end_us"])
        let exact = try Self.reconcile([receipts[1]], ours: fixture.upstream, from: fixture.downstream, peerID: "nb", tolerance: .milliseconds(5))
        #expect(exact[receipts[1]] == .agree)
    }

    @Test func aReceiptThePeerLacksIsMissing() throws {
        let fixture = try ReconcileFixture(onlyUpstream: [7])
        defer { fixture.remove() }
        let request = try ReconcileRequest(receipts: [7, 8].map(ReconcileFixture.guid))
        let answer = try ReconcileResponder.answer(request, dataDirectory: fixture.downstream)
        #expect(answer.missing == [ReconcileFixture.guid(7)])
        #expect(answer.records.map(\.receipt) == [ReconcileFixture.guid(8)])
        let outcomes = try Self.reconcile(request.receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        #expect(outcomes == [ReconcileFixture.guid(7): .missing, ReconcileFixture.guid(8): .agree])
    }

    @Test func aTamperedLineFailsItsProof() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let receipts = [2, 3].map(ReconcileFixture.guid)
        let answer = try ReconcileResponder.answer(try ReconcileRequest(receipts: receipts), dataDirectory: fixture.downstream)
        let original = try #require(answer.records.first)
        // The rate rewritten and the record's hash recomputed: a consistent-looking record the checkpoint never covered.
        guard case .object(var fields) = try CanonicalJSONParser().parse(Array(original.line.utf8)) else { return }
        fields["rating"] = ReconcileFixture.rating(customer: "0.020000", provider: "0.010000")
        fields.removeValue(forKey: "hash")
        fields["hash"] = .string(RecordHashing.hash(of: fields).hex)
        let resealed = CanonicalJSON.object(fields).canonicalString()
        let unsealed = original.line.replacingOccurrences(of: "0.012500", with: "0.020000")
        let own = try ReceiptRecordIndex.build(dataDirectory: fixture.upstream, receipts: Set(receipts))
        let verifier = ReconcileVerifier(peerID: "nb", peerKey: try ReconcileFixture.publicKey(of: fixture.downstream), tolerance: .seconds(1))
        for line in [resealed, unsealed] {
            let tampered = ReconcileAnswer(
                checkpoint: answer.checkpoint,
                records: [ReconcileAnswer.Record(receipt: original.receipt, line: line, seq: original.seq, proof: original.proof)] + answer.records.dropFirst(),
                missing: answer.missing
            )
            let results = verifier.verify(ours: own.entries, answer: tampered)
            guard case .unproven? = results.first(where: { $0.receipt == original.receipt })?.outcome else {
                Issue.record("a tampered line was not refused: \(results)")
                continue
            }
            #expect(results.first { $0.receipt == receipts[1] }?.outcome == .agree)
        }
        // The untouched line with another record's proof, or claimed at another seq, does not prove either.
        let second = try #require(answer.records.last)
        for record in [
            ReconcileAnswer.Record(receipt: original.receipt, line: original.line, seq: original.seq, proof: second.proof),
            ReconcileAnswer.Record(receipt: original.receipt, line: original.line, seq: second.seq, proof: second.proof),
        ] {
            let results = verifier.verify(ours: own.entries, answer: ReconcileAnswer(checkpoint: answer.checkpoint, records: [record], missing: []))
            guard case .unproven? = results.first(where: { $0.receipt == original.receipt })?.outcome else {
                Issue.record("a wrong proof was accepted")
                continue
            }
        }
        // Another receipt's line sent for this receipt is refused as well.
        let swapped = ReconcileAnswer.Record(receipt: original.receipt, line: second.line, seq: second.seq, proof: second.proof)
        let results = verifier.verify(ours: own.entries, answer: ReconcileAnswer(checkpoint: answer.checkpoint, records: [swapped], missing: []))
        guard case .unproven? = results.first(where: { $0.receipt == original.receipt })?.outcome else {
            Issue.record("another receipt's record was accepted")
            return
        }
    }

    @Test func aCheckpointSignedByAnotherKeyProvesNothing() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let receipts = [1, 2].map(ReconcileFixture.guid)
        // nb's answer judged with na's key configured for nb.
        let wrongKey = try Self.reconcile(receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb", peerKey: try ReconcileFixture.publicKey(of: fixture.upstream))
        for guid in receipts {
            guard case .unproven(let reason)? = wrongKey[guid] else {
                Issue.record("\(guid): expected unproven, got \(String(describing: wrongKey[guid]))")
                continue
            }
            #expect(reason.contains("another key"))
        }
        // nb's answer taken for na's (its own key configured under the wrong name).
        let wrongNode = try Self.reconcile(receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "na", peerKey: try ReconcileFixture.publicKey(of: fixture.downstream))
        #expect(wrongNode.values.allSatisfy { if case .unproven = $0 { true } else { false } })
        // A checkpoint line whose signature was replaced (hash recomputed) does not verify.
        let answer = try ReconcileResponder.answer(try ReconcileRequest(receipts: receipts), dataDirectory: fixture.downstream)
        guard case .object(var checkpoint) = try CanonicalJSONParser().parse(Array(answer.checkpoint.utf8)),
              case .string(let signature)? = checkpoint["signature"]
        else { return }
        checkpoint["signature"] = .string((signature.hasPrefix("A") ? "B" : "A") + signature.dropFirst())
        checkpoint.removeValue(forKey: "hash")
        checkpoint["hash"] = .string(RecordHashing.hash(of: checkpoint).hex)
        let forged = ReconcileAnswer(checkpoint: CanonicalJSON.object(checkpoint).canonicalString(), records: answer.records, missing: answer.missing)
        let own = try ReceiptRecordIndex.build(dataDirectory: fixture.upstream, receipts: Set(receipts))
        let results = ReconcileVerifier(peerID: "nb", peerKey: try ReconcileFixture.publicKey(of: fixture.downstream), tolerance: .seconds(1))
            .verify(ours: own.entries, answer: forged)
        #expect(results.allSatisfy { if case .unproven = $0.outcome { true } else { false } })
        #expect(results.count == 2)
    }

    @Test func recordsAfterTheLatestCheckpointAreMissingUntilTheNext() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        // nb restarts (a new checkpoint at start) and writes call 10 without a checkpoint after it yet.
        let sink = try JSONLinesRecordSink(dataDirectory: fixture.downstream, nodeID: "nb", checkpointInterval: .seconds(3_600))
        // The start's checkpoint first, so call 10 is certainly after it.
        let deadline = Date(timeIntervalSinceNow: 20)
        while (try? String(contentsOfFile: sink.checkpointFilePath, encoding: .utf8))?.hasSuffix("\n") != true, Date() < deadline {
            usleep(10_000)
        }
        sink.emit(ReconcileFixture.downstreamCDR(10, .init(), padding: 0))
        sink.flush()
        let request = try ReconcileRequest(receipts: [ReconcileFixture.guid(10), ReconcileFixture.guid(1)])
        let early = try ReconcileResponder.answer(request, dataDirectory: fixture.downstream)
        #expect(early.missing == [ReconcileFixture.guid(10)])
        #expect(early.records.map(\.receipt) == [ReconcileFixture.guid(1)])
        sink.close()
        let late = try ReconcileResponder.answer(request, dataDirectory: fixture.downstream)
        #expect(late.missing.isEmpty)
        #expect(late.records.map(\.receipt) == request.receipts)
    }

    @Test func whatIsWrittenAfterTheCheckpointIsNeverRead() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        // A running node's files: past the covered records a line it is writing right now (no newline yet), or
        // anything else; the answer only reads what the latest checkpoint covers.
        let folder = fixture.downstream + "/cdr"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".jsonl") })
        let handle = try #require(FileHandle(forWritingAtPath: folder + "/" + file))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"kind":"cdr","node":"nb","seq":19"#.utf8))
        try handle.close()
        // And a checkpoint being written: the latest complete one is the one used.
        let checkpoints = fixture.downstream + "/checkpoint"
        let checkpointFile = try #require(try FileManager.default.contentsOfDirectory(atPath: checkpoints).first { $0.hasSuffix(".jsonl") })
        let before = try String(contentsOfFile: checkpoints + "/" + checkpointFile, encoding: .utf8)
        let checkpointHandle = try #require(FileHandle(forWritingAtPath: checkpoints + "/" + checkpointFile))
        checkpointHandle.seekToEndOfFile()
        checkpointHandle.write(Data(#"{"chains":{"cdr":{"root":"#.utf8))
        try checkpointHandle.close()
        let request = try ReconcileRequest(receipts: [ReconcileFixture.guid(9)])
        let torn = try ReconcileResponder.answer(request, dataDirectory: fixture.downstream)
        #expect(torn.checkpoint == before.split(separator: "\n").last.map(String.init))
        #expect(torn.records.map(\.receipt) == [ReconcileFixture.guid(9)])
        let finished = try #require(FileHandle(forWritingAtPath: folder + "/" + file))
        finished.seekToEndOfFile()
        finished.write(Data(",\"garbage\":true}\n".utf8))
        try finished.close()
        let complete = try ReconcileResponder.answer(request, dataDirectory: fixture.downstream)
        #expect(complete == torn)
        let outcomes = try Self.reconcile(request.receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        #expect(outcomes == [ReconcileFixture.guid(9): .agree])
    }

    @Test func anAnswerThatWouldNotFitOneMessageDefersTheRest() throws {
        // CDR lines of about 12 KB: eight of them do not fit 60 KiB.
        let fixture = try ReconcileFixture(routingPadding: 12_000)
        defer { fixture.remove() }
        let receipts = [1, 2, 3, 4, 5, 6, 7, 8].map(ReconcileFixture.guid)
        let answer = try ReconcileResponder.answer(try ReconcileRequest(receipts: receipts), dataDirectory: fixture.downstream)
        #expect(!answer.records.isEmpty)
        #expect(!answer.deferred.isEmpty)
        #expect(answer.records.map(\.receipt) + answer.deferred == receipts)
        #expect(answer.encoded().count <= ReconcileAnswer.maximumBodyBytes)
        let outcomes = try Self.reconcile(receipts, ours: fixture.upstream, from: fixture.downstream, peerID: "nb")
        for guid in answer.deferred {
            #expect(outcomes[guid] == .deferred)
        }
        for record in answer.records {
            #expect(outcomes[record.receipt] == .agree)
        }
        // Asked again for the deferred ones, they come.
        let again = try ReconcileResponder.answer(try ReconcileRequest(receipts: answer.deferred), dataDirectory: fixture.downstream)
        #expect(again.records.count + again.deferred.count == answer.deferred.count)
        #expect(!again.records.isEmpty)
    }

    @Test func theResponderRefusesADirectoryItCannotProveFrom() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let request = try ReconcileRequest(receipts: [ReconcileFixture.guid(1)])
        let empty = fixture.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: ReconcileError(.noCheckpoint, "")) { try ReconcileResponder.answer(request, dataDirectory: empty) }
        // A CDR line changed by hand: the chain no longer verifies.
        let folder = fixture.downstream + "/cdr"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".jsonl") })
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        try text.replacingOccurrences(of: "0.012500", with: "0.012600").write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        #expect(throws: ReconcileError(.ledgerBroken, "")) { try ReconcileResponder.answer(request, dataDirectory: fixture.downstream) }
    }
}
