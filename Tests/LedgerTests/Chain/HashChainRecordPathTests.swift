import Records
import Testing
@testable import Ledger

/// `seal(record:)` (the record writer's path: chain fields merged in as members encoded once per chain and updated
/// in place) against `seal(fields)` of the record's `CanonicalJSON` dictionary, over many varied records in one
/// chain: strings needing escapes and non-ASCII, absent optional members, large and negative integers, a record
/// naming another node.
@Suite struct HashChainRecordPathTests {
    static let texts = [
        "", "n1", "a\"b\\c", "ctrl\u{01}\u{1F}\n\t\r", "\u{FC}\u{20AC}\u{1F600}\u{FB33}", "0123456789abcdef0",
        String(repeating: "sip:4930123456@127.0.0.1:5060;", count: 3) + "\"", "\u{7F}\u{80}",
    ]
    static let integers: [Int64] = [0, -1, 7, 1_709_294_400_000_000, -9_007_199_254_740_991, Int64.max, Int64.min]
    // Times in microseconds: a quarter of the range, so the CDR's spans (end - start) fit.
    static let times = integers.map { $0 / 4 }

    // The `index`-th of `values`, walking them at different strides for different fields.
    static func pick<Value>(_ values: [Value], _ index: Int, _ stride: Int) -> Value {
        values[(index * stride + stride) % values.count]
    }

    static func optional<Value>(_ value: Value, _ index: Int, _ bit: Int) -> Value? {
        (index >> (bit % 8)) & 1 == 0 ? value : nil
    }

    static func cdr(_ index: Int) -> CallDetailRecord {
        let leg = CallLeg(
            callID: optional(pick(texts, index, 1), index, 0), remoteTag: pick(texts, index, 3),
            fromURI: optional(pick(texts, index, 5), index, 1), source: optional(pick(texts, index, 2), index, 2),
            transport: optional(.tcp, index, 3), userAgent: optional(pick(texts, index, 7), index, 4)
        )
        return CallDetailRecord(
            recordID: "cdr-\(index)", nodeID: index % 50 == 7 ? "elsewhere" : "n1", service: .voice,
            sessionID: pick(texts, index, 3), setupMicros: pick(times, index, 1),
            firstProvisionalMicros: optional(pick(times, index, 2), index, 5), firstRingingMicros: nil,
            answerMicros: optional(pick(times, index, 3), index, 6), ackMicros: optional(-1, index, 7),
            endMicros: pick(times, index, 5), finalCode: 200, finalReason: optional(pick(texts, index, 2), index, 1),
            q850Cause: optional(16, index, 2), q850Text: optional(pick(texts, index, 4), index, 3), releasedBy: .provider,
            releaseCause: .normal, customerID: pick(texts, index, 6), providerID: optional("p2", index, 4), attempts: index,
            aLeg: leg, bLeg: optional(leg, index, 5), recovered: index % 3 == 0,
            rating: optional(index % 4 < 2 ? typedRating(index) : .json(.object([
                pick(texts, index, 1): .integer(pick(integers, index, 4)), "charge": .string(pick(texts, index, 3)),
                "customer": .object(["deck_rate": .string("0.01"), "deck_version": .integer(-3), "deck": .null]),
            ])), index, 6),
            negotiation: optional(index % 4 == 1 ? .json(.object(["rounds": .integer(2), "max_rounds": .integer(3)])) : .typed(NegotiationBlock(
                negotiationID: pick(texts, index, 2), rounds: 2, maxRounds: Int(pick(integers, index, 1)), agreedRate: "0.012500",
                deckRate: pick(texts, index, 4), currency: "EUR", priceUnit: "per-min"
            )), index, 7),
            routing: optional(.json(.array([.string(pick(texts, index, 2)), .bool(true)])), index, 0),
            receipt: optional(Receipt(guid: pick(texts, index, 5), state: .mismatch, echoed: optional("e", index, 1), providerID: "p2"), index, 2)
        )
    }

    // A rating block as the node builds it: priced (per-min or per-msg members, with or without accounts and a
    // negotiated rate) or unpriced.
    static func typedRating(_ index: Int) -> CanonicalBlock<RatingBlock> {
        guard index % 11 != 3 else {
            return .typed(.unpriced(reason: pick(texts, index, 5)))
        }
        func side(_ salt: Int) -> RatedCharge {
            var charge = RatedCharge(
                account: optional(pick(texts, index, salt), index, salt), deck: "c1.csv", deckVersion: pick(texts, index, salt + 1),
                prefix: "44", rate: "0.015000", deckRate: optional("0.010000", index, salt + 2), priceUnit: "per-min",
                connectionFee: "0.000000", charge: pick(texts, index, salt + 3)
            )
            if index % 2 == 0 {
                charge.initialIncrementSeconds = 6
                charge.nextIncrementSeconds = pick(integers, index, salt)
                charge.minimumDurationSeconds = 0
                charge.billedSeconds = 66
            } else {
                charge.billedMessages = pick(integers, index, salt + 4)
            }
            return charge
        }
        return .typed(.priced(currency: "EUR", customer: side(1), provider: side(2), spread: pick(texts, index, 6)))
    }

    static func attempt(_ index: Int) -> AttemptRecord {
        AttemptRecord(
            recordID: pick(texts, index, 1), nodeID: "n1", sessionID: pick(texts, index, 2), cdrRecordID: "c",
            attemptNumber: index, providerID: pick(texts, index, 3), bLegCallID: optional(pick(texts, index, 4), index, 0),
            destination: pick(texts, index, 5), startMicros: pick(integers, index, 2), endMicros: pick(integers, index, 3),
            responseCode: optional(503, index, 1), reason: optional(pick(texts, index, 6), index, 2), outcome: .failedOver,
            receipt: optional(Receipt(guid: "g", state: .voided, providerID: pick(texts, index, 7)), index, 3)
        )
    }

    static func sealBothWays(
        _ record: some CanonicalRecord, _ fromObjects: inout HashChain, _ fromRecords: inout HashChain
    ) -> [String] {
        guard case .object(let fields) = record.canonicalJSON() else {
            Issue.record("a record encodes to an object")
            return []
        }
        let expected = fromObjects.seal(fields)
        let (sealed, replacedKeys) = fromRecords.seal(record: record)
        #expect(sealed.line == expected.line)
        #expect(sealed.hash == expected.hash)
        #expect(sealed.seq == expected.seq)
        return replacedKeys
    }

    @Test func cdrsAndAttemptsSealAsTheirCanonicalObjects() {
        var cdrObjects = HashChain(nodeID: "n1", kind: CallDetailRecord.kind)
        var cdrRecords = HashChain(nodeID: "n1", kind: CallDetailRecord.kind)
        var attemptObjects = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        var attemptRecords = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        for index in 0..<600 {
            let replaced = Self.sealBothWays(Self.cdr(index), &cdrObjects, &cdrRecords)
            #expect(replaced == (index % 50 == 7 ? ["node"] : []))
            #expect(Self.sealBothWays(Self.attempt(index), &attemptObjects, &attemptRecords).isEmpty)
        }
        #expect(cdrRecords.position == cdrObjects.position)
        #expect(attemptRecords.position == attemptObjects.position)
        #expect(cdrRecords.position.nextSeq == 601)
    }

    @Test func sequenceNumbersGainDigitsInPlace() {
        // seq 9 → 10 → … → 1000: the member's value grows a digit while its storage is reused.
        var fromObjects = HashChain(nodeID: "n1", kind: AttemptRecord.kind, position: ChainPosition(nextSeq: 8, lastHash: .zero))
        var fromRecords = fromObjects
        for index in 0..<1_000 {
            _ = Self.sealBothWays(Self.attempt(index), &fromObjects, &fromRecords)
        }
    }
}
