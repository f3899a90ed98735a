import Foundation
import Ledger
import Records
import Testing

/// The publisher reads every streamed line's node, kind and seq through `ChainLineHeader`: it must give what a full
/// JSON parser gives, or nothing (the publisher then falls back to the full parser).
@Suite struct ChainLineHeaderTests {
    @Test func readsSealedRecordsOfEveryKind() throws {
        for kind in ["cdr", "attempt", "bidlog", "audit", "checkpoint"] {
            var chain = HashChain(nodeID: "node-7", kind: kind)
            for index in 1...3 {
                let line = chain.seal(["event": .string("e\(index)"), "time_us": .integer(Int64(index))]).line
                let header = try #require(ChainLineHeader(line: line.dropLast()))
                #expect(header == ChainLineHeader(line: line.dropLast()))
                #expect(header.node == "node-7")
                #expect(header.kind == kind)
                #expect(header.seq == UInt64(index))
            }
        }
    }

    @Test func leavesLinesItDoesNotTakeToTheFullParser() {
        for text in [
            #"{"kind":"cdr","node":"n1","seq":0}"#,  // seq must be positive
            #"{"kind":"cdr","node":"n1","seq":-4}"#,
            #"{"kind":"cdr","node":"n1","seq":18446744073709551616}"#,  // above UInt64
            #"{"kind":"cdr","node":"n1","seq":"3"}"#,
            #"{"kind":"cdr","node":"n\"1","seq":3}"#,  // an escape inside node
            #"{"kind":"cdr","seq":3}"#,
            #"{"node":"n1","kind":"cdr","seq":3}"#,  // valid JSON, not canonical (key order)
            #"{"kind":"cdr","node":"n1","seq":3} "#,
            #"{"kind":"cdr","node":"n1","seq":3"#,
        ] {
            #expect(ChainLineHeader(line: ArraySlice(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func agreesWithJSONSerializationOnMutatedLines() throws {
        var chain = HashChain(nodeID: "n1", kind: "cdr")
        let original = Array(chain.seal(["call_id": .string("a@b"), "time_us": .integer(17), "tags": .array([.integer(1)])]).line.dropLast())
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]":,\-0123456789.eEnsk "#.utf8) + [0x00, 0xC3, 0xA9]
        for _ in 0..<3_000 {
            var line = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<line.count, using: &generator)
                line[position] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            guard let header = ChainLineHeader(line: line[...]) else { continue }
            // Whatever the scanner takes, a full parser reads the same three fields from.
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], "\(String(decoding: line, as: UTF8.self))")
            #expect(object["node"] as? String == header.node)
            #expect(object["kind"] as? String == header.kind)
            #expect((object["seq"] as? NSNumber)?.uint64Value == header.seq)
        }
    }
}
