import Crypto
import Records
import Testing
@testable import Ledger

@Suite struct HashChainTests {
    static let zeros = String(repeating: "0", count: 64)

    @Test func genesisRecordHashesItsHandWrittenCanonicalBytes() {
        var chain = HashChain(nodeID: "n1", kind: "cdr")
        #expect(chain.position == .genesis)
        let sealed = chain.seal(["b": .string("x\n\u{1F}\""), "a": .integer(1)])
        let unhashed = #"{"a":1,"b":"x\n\u001f\"","kind":"cdr","node":"n1","prev_hash":"\#(Self.zeros)","seq":1}"#
        // Digest of `unhashed` computed outside Swift (Python hashlib).
        let expected = "191dda34a5cfd054891723ab40c4306ee4688a7b63b14e8a7a0a62a05d41da09"
        #expect(sealed.hash.hex == expected)
        #expect(Self.digest(unhashed) == expected)
        #expect(sealed.seq == 1)
        let line = #"{"a":1,"b":"x\n\u001f\"","hash":"\#(expected)","kind":"cdr","node":"n1","prev_hash":"\#(Self.zeros)","seq":1}"# + "\n"
        #expect(String(decoding: sealed.line, as: UTF8.self) == line)
        #expect(sealed.object["hash"] == .string(expected))
        #expect(chain.position == ChainPosition(nextSeq: 2, lastHash: sealed.hash))
    }

    @Test func recordsLinkAndSeqIncrements() {
        var chain = HashChain(nodeID: "n1", kind: "attempt")
        var previous = LedgerHash.zero
        for expectedSeq in UInt64(1)...50 {
            let sealed = chain.seal(["n": .integer(Int64(expectedSeq))])
            #expect(sealed.seq == expectedSeq)
            #expect(sealed.object["seq"] == .integer(Int64(expectedSeq)))
            #expect(sealed.object["prev_hash"] == .string(previous.hex))
            #expect(sealed.hash == RecordHashing.hash(of: sealed.object.filter { $0.key != "hash" }))
            previous = sealed.hash
        }
        #expect(chain.position == ChainPosition(nextSeq: 51, lastHash: previous))
    }

    @Test func aRealRecordSealsToRFC8785BytesFromCanonicalJSON() {
        let attempt = AttemptRecord(
            recordID: "att-1", nodeID: "n1", sessionID: "s-1", cdrRecordID: "cdr-1", attemptNumber: 2,
            providerID: "p2", bLegCallID: "b2", destination: "udp:127.0.0.1:5081",
            startMicros: 7, endMicros: 9, responseCode: nil, reason: "Request Timeout", outcome: .failedOver
        )
        guard case .object(let fields) = attempt.canonicalJSON() else {
            Issue.record("a record encodes to an object")
            return
        }
        var chain = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        let first = chain.seal(fields)
        // Hashes computed outside Swift (Python json.dumps(sort_keys, compact) + hashlib).
        #expect(first.hash.hex == "639501ddd452a77a69fd7c3266fd5e80e990c93c28f26f31f3a838fe28afcae6")
        let unhashed = #"{"attempt":2,"b_call_id":"b2","cdr_id":"cdr-1","destination":"udp:127.0.0.1:5081","end_us":9,"id":"att-1","kind":"attempt","node":"n1","outcome":"failed_over","prev_hash":"\#(Self.zeros)","provider_id":"p2","reason":"Request Timeout","seq":1,"session_id":"s-1","start_us":7}"#
        #expect(RecordHashing.canonicalBytesWithoutHash(first.object) == Array(unhashed.utf8))
        var lineObject = first.object
        lineObject.removeValue(forKey: "hash")
        #expect(CanonicalJSON.object(lineObject).canonicalString() == unhashed)
        #expect(first.line == CanonicalJSON.object(first.object).canonicalBytes() + [UInt8(ascii: "\n")])
        let second = chain.seal(fields)
        #expect(second.hash.hex == "54bba25ecbe4b6491e5f3be4f5e8f2044beb6d755d81082acc46b66ce12d35a8")
    }

    @Test func keysSortByUTF16CodeUnitsAsRFC8785Says() {
        // RFC 8785 §3.2.3 sorting example; its expected order and bytes, hashed outside Swift.
        let object: [String: CanonicalJSON] = [
            "\u{20AC}": .string("Euro Sign"),
            "\r": .string("Carriage Return"),
            "\u{FB33}": .string("Hebrew Letter Dalet With Dagesh"),
            "1": .string("One"),
            "\u{1F600}": .string("Emoji: Grinning Face"),
            "\u{80}": .string("Control"),
            "\u{F6}": .string("Latin Small Letter O With Diaeresis"),
        ]
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{F6}\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u{20AC}\":\"Euro Sign\",\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(CanonicalJSON.object(object).canonicalString() == expected)
        #expect(RecordHashing.hash(of: object).hex == "5e321556d22018a9656991a9e94f77ec175fa193e52a2429d312f8419ec8b08c")
    }

    @Test func continuesFromARecoveredPosition() {
        var continuous = HashChain(nodeID: "n1", kind: "audit")
        let first = continuous.seal(["event": .string("a")])
        let second = continuous.seal(["event": .string("b")])
        // What recovery reads back from disk: the last seq and hash.
        var resumed = HashChain(nodeID: "n1", kind: "audit", position: ChainPosition(nextSeq: first.seq + 1, lastHash: first.hash))
        let again = resumed.seal(["event": .string("b")])
        #expect(again.seq == 2)
        #expect(again.object["prev_hash"] == .string(first.hash.hex))
        #expect(again.line == second.line)
        #expect(resumed.position == continuous.position)
    }

    @Test func chainFieldsInTheInputAreOverwritten() {
        var chain = HashChain(nodeID: "n1", kind: "cdr")
        let sealed = chain.seal([
            "node": .string("forged"), "kind": .string("audit"), "seq": .integer(99),
            "prev_hash": .string("x"), "hash": .string("y"),
        ])
        #expect(sealed.object["node"] == .string("n1"))
        #expect(sealed.object["kind"] == .string("cdr"))
        #expect(sealed.object["seq"] == .integer(1))
        #expect(sealed.object["prev_hash"] == .string(Self.zeros))
        #expect(sealed.object["hash"] == .string(sealed.hash.hex))
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
