import Records
import Testing

/// The CDR's typed quality block against the dictionary the session built before (`pdd_ms` and `setup_ms` when known,
/// `media` when reported; `delivery_ms` and `final_status` for a message): equal as canonical JSON and as the bytes a
/// CDR writes, over seeded random timings and media summaries, including the empty object.
@Suite struct QualityBlockTests {
    @Test func typedBlockEqualsTheEnvelopeDictionary() {
        var state: UInt64 = 0x0A11_7E
        func next() -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 40)
        }
        var sawEmpty = false
        for _ in 0..<400 {
            let block: QualityBlock
            let dictionary: CanonicalJSON
            if next() % 4 == 0 {
                let delivery = next() % 100_000
                let status = [200, 202, 404, 480, 503][Int(next() % 5)]
                block = .message(deliveryMillis: delivery, finalStatus: status)
                dictionary = .object(["delivery_ms": .integer(delivery), "final_status": .integer(status)])
            } else {
                let pdd = next() % 3 == 0 ? nil : next() % 20_000
                let setup = next() % 3 == 0 ? nil : next() % 60_000
                // A BYE's RTCP summary as MediaStatistics reads it: numbers, text, a key that sorts first or last.
                var media: [String: CanonicalJSON] = ["source": .string(next() % 2 == 0 ? "X-RTP-Stat" : "P-RTP-Stat")]
                for key in ["ps", "os", "pl", "ji", "a", "zz", "é"] where next() % 2 == 0 {
                    media[key] = next() % 3 == 0 ? .string("v\"\(next() % 9)") : .integer(next() % 100_000)
                }
                let reported: CanonicalJSON? = next() % 3 == 0 ? nil : .object(media)
                block = .call(pddMillis: pdd, setupMillis: setup, media: reported)
                // What the session built before, member for member.
                var fields: [String: CanonicalJSON?] = [
                    "pdd_ms": pdd.map { .integer($0) },
                    "setup_ms": setup.map { .integer($0) },
                ]
                if let reported {
                    fields["media"] = reported
                }
                dictionary = .object(omittingNil: fields)
                sawEmpty = sawEmpty || (pdd == nil && setup == nil && reported == nil)
            }
            #expect(block.canonicalJSON() == dictionary)
            #expect(Self.cdrBytes(quality: .typed(block)) == Self.cdrBytes(quality: .json(dictionary)))
            #expect(CanonicalBlock<QualityBlock>.typed(block) == .json(dictionary))
        }
        #expect(sawEmpty)
    }

    // The bytes the record writer writes for a CDR carrying `quality` (and the members around it).
    static func cdrBytes(quality: CanonicalBlock<QualityBlock>) -> [UInt8] {
        let cdr = CallDetailRecord(
            recordID: "r", nodeID: "n1", service: .voice, sessionID: "s", setupMicros: 1, firstProvisionalMicros: nil,
            firstRingingMicros: nil, answerMicros: 2, ackMicros: nil, endMicros: 3, finalCode: 200, finalReason: nil,
            q850Cause: 16, q850Text: "Normal", releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p1",
            attempts: 1, aLeg: CallLeg(callID: "a"), bLeg: nil, quality: quality
        )
        var writer = CanonicalObjectWriter()
        cdr.writeCanonicalMembers(into: &writer)
        return writer.finish()
    }
}
