import Testing
@testable import MQAL

/// The publisher takes node, kind and seq from the ledger's canonical scanner, and from a full JSON parser for a line
/// the scanner does not take; a line that is no record is a typed error.
@Suite struct ChainRecordLineTests {
    @Test func canonicalAndNonCanonicalRecordsGiveTheSameFields() throws {
        let canonical = try ChainRecordLine(line: ArraySlice(#"{"hash":"h","kind":"cdr","node":"n1","seq":42}"#.utf8), path: "f")
        let spaced = try ChainRecordLine(line: ArraySlice(#"{ "seq": 42, "node": "n1", "kind": "cdr", "hash": "h" }"#.utf8), path: "f")
        #expect(canonical.node == "n1" && canonical.kind == "cdr" && canonical.seq == 42)
        #expect(spaced.node == "n1" && spaced.kind == "cdr" && spaced.seq == 42)
        // The body is the line as read, byte for byte (consumers check its hash).
        #expect(spaced.bytes == Array(#"{ "seq": 42, "node": "n1", "kind": "cdr", "hash": "h" }"#.utf8))
    }

    @Test func aLineThatIsNoRecordIsRefusedWithItsFile() {
        for text in [#"{"kind":"cdr","node":"n1"}"#, #"{"kind":"cdr","node":"n1","seq":0}"#, "not json", "[1,2]"] {
            #expect(throws: StreamError.self, "\(text)") { try ChainRecordLine(line: ArraySlice(text.utf8), path: "DATA/cdr/x.jsonl") }
        }
    }
}
