import Records
import Testing

/// `writeCanonicalMembers` (the record writer's path) writes exactly the bytes of `canonicalJSON()`, for every
/// combination of present and absent optional members.
@Suite struct CanonicalObjectWriterTests {
    static func written(_ record: some CanonicalRecord) -> [UInt8] {
        var writer = CanonicalObjectWriter()
        record.writeCanonicalMembers(into: &writer)
        return writer.finish()
    }

    static let rating: CanonicalJSON = .object([
        "currency": .string("EUR"), "spread": .string("0.002750"),
        "customer": .object(["charge": .string("0.016500"), "billed_s": .integer(66)]),
    ])

    @Test func cdrsWithAndWithoutEveryOptionalMember() {
        for mask in 0..<(1 << 12) where mask % 5 == 0 || mask == (1 << 12) - 1 {
            func has(_ bit: Int) -> Bool { mask & (1 << bit) != 0 }
            let leg = CallLeg(
                callID: has(0) ? "c\"1\n" : nil, localTag: has(1) ? "l" : nil, remoteTag: "r",
                fromURI: has(2) ? "sip:a@b" : nil, toURI: "sip:c@d", pAssertedIdentity: has(3) ? "<sip:+49@x>" : nil,
                source: "udp:1.2.3.4:5060", destination: has(4) ? "udp:5.6.7.8:5060" : nil,
                transport: has(5) ? .udp : nil, userAgent: has(6) ? "ü\u{1F600}" : nil
            )
            let cdr = CallDetailRecord(
                recordID: "id-\(mask)", nodeID: "n1", service: .voice, sessionID: "s-\(mask)",
                setupMicros: 1_709_294_400_000_000, firstProvisionalMicros: has(7) ? 1_709_294_400_002_000 : nil,
                firstRingingMicros: has(8) ? 1_709_294_400_350_000 : nil, answerMicros: has(9) ? 1_709_294_402_000_000 : nil,
                ackMicros: has(10) ? 1_709_294_402_001_500 : nil, endMicros: 1_709_294_432_000_000,
                finalCode: has(11) ? 200 : 487, finalReason: has(0) ? "OK" : nil, q850Cause: has(1) ? 16 : nil,
                q850Text: has(2) ? "Normal call clearing" : nil, releasedBy: .customer, releaseCause: .normal,
                customerID: "c1", providerID: has(3) ? "p2" : nil, attempts: mask % 4,
                aLeg: leg, bLeg: has(4) ? leg : nil, recovered: has(5),
                rating: has(6) ? .json(Self.rating) : nil, negotiation: has(7) ? .json(.object(["rounds": .integer(2)])) : nil,
                routing: has(8) ? .json(.array([.string("p1"), .string("p2")])) : nil,
                receipt: has(9) ? Receipt(guid: "R-7f3a", state: .mismatch, echoed: has(10) ? "R-x" : nil, providerID: "p2") : nil,
                quality: has(11) ? .json(.object(["mos": .integer(4)])) : nil
            )
            #expect(Self.written(cdr) == cdr.canonicalJSON().canonicalBytes())
        }
    }

    @Test func attemptsAndBidLogRecords() {
        for mask in 0..<16 {
            func has(_ bit: Int) -> Bool { mask & (1 << bit) != 0 }
            let attempt = AttemptRecord(
                recordID: "a", nodeID: "n1", sessionID: "s", cdrRecordID: "c", attemptNumber: mask, providerID: "p1",
                bLegCallID: has(0) ? "b" : nil, destination: "udp:127.0.0.1:5080", startMicros: -5, endMicros: 9,
                responseCode: has(1) ? 503 : nil, reason: has(2) ? "Service Unavailable" : nil, outcome: .failedOver,
                receipt: has(3) ? Receipt(guid: "g", state: .voided, providerID: "p1") : nil
            )
            #expect(Self.written(attempt) == attempt.canonicalJSON().canonicalBytes())
        }
        // BidLogRecord keeps the default: the sorted members of its canonical object.
        let round = BidLogRecord(
            recordID: "b", nodeID: "n1", sessionID: "s", cdrRecordID: "c", attemptNumber: 1, negotiationID: "x",
            round: 1, providerID: "p1", offered: "0.010000", asked: "0.012500", currency: "EUR", priceUnit: "per-min",
            outcome: "counter_accepted", timeMicros: 7
        )
        #expect(Self.written(round) == round.canonicalJSON().canonicalBytes())
    }

    @Test func overridesGoInAtTheirPlacesAndTheMarkerIsNoted() {
        var writer = CanonicalObjectWriter(overrides: [("b", .integer(2)), ("node", .string("n1")), ("z", .null)], marker: "m")
        writer.member("a", "x")
        writer.member("m", "dropped: the marker's member is the caller's to put in")
        writer.member("node", "other")
        writer.member("q", Int64(5))
        let bytes = writer.finish()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":"x","b":2,"node":"n1","q":5,"z":null}"#)
        #expect(writer.replacedKeys == ["node"])
        // "m" sorts after "b" and before "node": right after `"b":2`.
        #expect(writer.markerInsertion.offset == 14)
        #expect(writer.markerInsertion.afterMember)

        var first = CanonicalObjectWriter(overrides: [("k", .integer(1))], marker: "a")
        let only = first.finish()
        #expect(String(decoding: only, as: UTF8.self) == #"{"k":1}"#)
        #expect(first.markerInsertion.offset == 1)
        #expect(!first.markerInsertion.afterMember)
    }

    /// Arrays written element by element (`member(_:array:)`, `element(object:)`, `element(array:)`) are the bytes of
    /// the same arrays as `CanonicalJSON`: empty arrays, empty objects, arrays of arrays, after and before other
    /// members, and at the top level under overrides.
    @Test func arraysWrittenElementByElement() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // A random array of up to 3 levels; each element an object of 0-3 members or a nested array.
        func array(_ level: Int) -> [CanonicalJSON] {
            (0..<next(4)).map { index in
                if level < 2 && next(3) == 0 { return .array(array(level + 1)) }
                var members: [String: CanonicalJSON] = [:]
                if next(2) == 0 { members["a_count"] = .integer(Int64(next(1_000)) - 500) }
                if next(2) == 0 { members["b_name"] = .string("n\(index)\u{e9}\"\n") }
                if next(2) == 0 { members["c_list"] = .array([.integer(1), .string("x")]) }
                return .object(members)
            }
        }
        // Writes `elements` through the element API, members in key order.
        func write(_ elements: [CanonicalJSON], into writer: inout CanonicalObjectWriter) {
            for element in elements {
                switch element {
                case .array(let inner):
                    writer.element(array: { write(inner, into: &$0) })
                case .object(let members):
                    writer.element(object: { object in
                        object.member("a_count", members["a_count"])
                        object.member("b_name", members["b_name"])
                        object.member("c_list", members["c_list"])
                    })
                default:
                    Issue.record("the generator makes only arrays and objects")
                }
            }
        }
        for _ in 0..<500 {
            let first = array(0)
            let second = array(0)
            var writer = CanonicalObjectWriter(overrides: [(key: "m_seq", value: .integer(7))])
            writer.member("alpha", "x")
            writer.member("first", array: { write(first, into: &$0) })
            writer.member("second", array: { write(second, into: &$0) })
            writer.member("z_last", Int64(1))
            let expected = CanonicalJSON.object([
                "alpha": .string("x"), "first": .array(first), "m_seq": .integer(7), "second": .array(second), "z_last": .integer(1),
            ]).canonicalBytes()
            #expect(writer.finish() == expected)
        }
    }
}
