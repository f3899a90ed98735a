import Crypto
import Records
import Testing
@testable import Ledger

/// `seal` encodes once and puts the `hash` member in at its sorted place; the result must be exactly the
/// canonical JSON of the object with `hash`, and the hash that of the object without it, wherever `hash` lands.
@Suite struct HashChainInsertionTests {
    // Keys around "hash" in UTF-16 order, and ones with no member before it ("\u{1F600}" sorts last).
    static let keys = ["a", "h", "has", "hasg", "hash0", "hasi", "hi", "i", "hash\u{1F600}", "\u{E000}", "\u{1F600}", "_", "\u{7F}"]

    @Test func theHashMemberGoesWhereTheCanonicalEncodingPutsIt() {
        var chain = HashChain(nodeID: "n1", kind: "cdr")
        for mask in 0..<(1 << Self.keys.count) where mask % 7 == 0 || mask < 64 {
            var fields: [String: CanonicalJSON] = [:]
            for (bit, key) in Self.keys.enumerated() where mask & (1 << bit) != 0 {
                fields[key] = .string("v\(bit)\n")
            }
            let sealed = chain.seal(fields)
            #expect(sealed.line == CanonicalJSON.object(sealed.object).canonicalBytes() + [UInt8(ascii: "\n")])
            var unhashed = sealed.object
            unhashed.removeValue(forKey: "hash")
            let digest = SHA256.hash(data: CanonicalJSON.object(unhashed).canonicalBytes())
            #expect(sealed.hash.bytes == Array(digest))
            #expect(sealed.object["hash"] == .string(sealed.hash.hex))
        }
    }

    @Test func aRecordSealedFromItsWriterMatchesItsSealedObject() {
        var fromObjects = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        var fromRecords = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        for number in 1...20 {
            let attempt = AttemptRecord(
                recordID: "att-\(number)", nodeID: number == 7 ? "elsewhere" : "n1", sessionID: "s", cdrRecordID: "c",
                attemptNumber: number, providerID: "p\(number)", bLegCallID: number.isMultiple(of: 2) ? "b\(number)" : nil,
                destination: "udp:127.0.0.1:5080", startMicros: 1_709_294_400_000_000, endMicros: 1_709_294_400_020_500,
                responseCode: 503, reason: "Service \"Unavailable\"", outcome: .failedOver
            )
            guard case .object(let fields) = attempt.canonicalJSON() else {
                Issue.record("a record encodes to an object")
                return
            }
            let expected = fromObjects.seal(fields)
            let (sealed, replacedKeys) = fromRecords.seal(record: attempt)
            #expect(sealed.line == expected.line)
            #expect(sealed.hash == expected.hash)
            #expect(sealed.seq == expected.seq)
            #expect(sealed.object == expected.object)
            #expect(replacedKeys == (number == 7 ? ["node"] : []))
        }
        #expect(fromRecords.position == fromObjects.position)
    }

    @Test func aSignedRecordHashesWithItsSignature() {
        var chain = HashChain(nodeID: "n1", kind: "checkpoint")
        let sealed = chain.seal(["time_us": .integer(1)], sign: { bytes in "sig-\(bytes.count)" })
        var unhashed = sealed.object
        unhashed.removeValue(forKey: "hash")
        #expect(unhashed["signature"] != nil)
        #expect(sealed.hash == LedgerHash.sha256(CanonicalJSON.object(unhashed).canonicalBytes()))
        #expect(sealed.line == CanonicalJSON.object(sealed.object).canonicalBytes() + [UInt8(ascii: "\n")])
    }
}
