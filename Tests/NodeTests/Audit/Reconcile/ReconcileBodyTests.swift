import Ledger
import Node
import Records
import Testing

@Suite struct ReconcileBodyTests {
    @Test func requestsRoundTripAndDropRepeats() throws {
        let request = try ReconcileRequest(receipts: ["R-1", "R-2", "R-1"])
        #expect(request.receipts == ["R-1", "R-2"])
        #expect(String(decoding: request.encoded(), as: UTF8.self) == #"{"receipts":["R-1","R-2"]}"#)
        #expect(try ReconcileRequest(body: request.encoded()) == request)
    }

    @Test func hostileRequestsAreRefused() {
        let tooMany = (0...ReconcileRequest.maximumReceipts).map { "\"R-\($0)\"" }.joined(separator: ",")
        let cases: [(String, ReconcileError.Code)] = [
            ("", .malformed), ("{", .malformed), ("[]", .malformed), (#"{"receipts":"R-1"}"#, .malformed),
            (#"{"receipts":[]}"#, .malformed), (#"{"receipts":[1]}"#, .malformed), (#"{"receipts":[""]}"#, .malformed),
            (#"{"receipts":["R-1"],"extra":1}"#, .malformed), (#"{"receipts":["R-1"]"#, .malformed),
            ("{\"receipts\":[\"\(String(repeating: "g", count: ReconcileRequest.maximumGUIDBytes + 1))\"]}", .malformed),
            ("{\"receipts\":[\(tooMany)]}", .tooLarge),
            (String(repeating: " ", count: ReconcileRequest.maximumBodyBytes + 1), .tooLarge),
        ]
        for (body, code) in cases {
            #expect(throws: ReconcileError(code, ""), "\(body.prefix(40))") { try ReconcileRequest(body: Array(body.utf8)) }
        }
    }

    @Test func answersRoundTripWithTheDocumentedMembers() throws {
        let proof = [LedgerHash.sha256([1]), LedgerHash.sha256([2])]
        let answer = ReconcileAnswer(
            checkpoint: #"{"kind":"checkpoint"}"#,
            records: [ReconcileAnswer.Record(receipt: "R-1", line: #"{"kind":"cdr"}"#, seq: 3, proof: proof)],
            missing: ["R-2"]
        )
        let body = answer.encoded()
        #expect(try ReconcileAnswer(body: body) == answer)
        guard case .object(let fields) = try CanonicalJSONParser().parseCanonical(body),
              case .array(let records)? = fields["records"], case .object(let record)? = records.first
        else {
            Issue.record("answer body shape")
            return
        }
        #expect(Set(fields.keys) == ["checkpoint", "records", "missing"])
        #expect(Set(record.keys) == ["receipt", "line", "seq", "proof"])
        #expect(record["proof"] == .array(proof.map { .string($0.hex) }))
        let deferring = ReconcileAnswer(checkpoint: "{}", records: [], missing: [], deferred: ["R-9"])
        #expect(try ReconcileAnswer(body: deferring.encoded()) == deferring)
    }

    @Test func hostileAnswersAreRefused() {
        let hash = LedgerHash.zero.hex
        func record(_ members: String) -> String { #"{"checkpoint":"c","missing":[],"records":[\#(members)]}"# }
        let longProof = Array(repeating: "\"\(hash)\"", count: 65).joined(separator: ",")
        let cases: [(String, ReconcileError.Code)] = [
            ("", .malformed), ("nope", .malformed), (#"{"checkpoint":1,"missing":[],"records":[]}"#, .malformed),
            (#"{"checkpoint":"c","records":[]}"#, .malformed), (#"{"checkpoint":"c","missing":[],"records":{}}"#, .malformed),
            (#"{"checkpoint":"c","missing":[],"records":[],"other":[]}"#, .malformed),
            (#"{"checkpoint":"c","missing":[1],"records":[]}"#, .malformed),
            (record(#"{"line":"l","proof":[],"receipt":"R","seq":0}"#), .malformed),
            (record(#"{"line":"l","proof":[],"receipt":"R","seq":-4}"#), .malformed),
            (record(#"{"line":"l","proof":[],"receipt":"R","seq":"1"}"#), .malformed),
            (record(#"{"line":"l","proof":["abc"],"receipt":"R","seq":1}"#), .malformed),
            (record(#"{"line":"l","proof":["\#(hash)0"],"receipt":"R","seq":1}"#), .malformed),
            (record(#"{"line":"l","proof":[\#(longProof)],"receipt":"R","seq":1}"#), .malformed),
            (record(#"{"line":3,"proof":[],"receipt":"R","seq":1}"#), .malformed),
            (record(Array(repeating: #"{"line":"l","proof":[],"receipt":"R","seq":1}"#, count: 9).joined(separator: ",")), .tooLarge),
            (String(repeating: "[", count: 50), .malformed),
            (String(repeating: " ", count: ReconcileAnswer.maximumBodyBytes + 1), .tooLarge),
        ]
        for (body, code) in cases {
            #expect(throws: ReconcileError(code, ""), "\(body.prefix(60))") { try ReconcileAnswer(body: Array(body.utf8)) }
        }
    }
}
