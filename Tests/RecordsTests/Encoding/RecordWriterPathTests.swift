import Records
import Testing

/// The record writer's path (`writeCanonicalMembers` into `CanonicalObjectWriter`: literal keys, strings copied
/// after a word-at-a-time escape scan, integers formatted in place) against the generic encoding of the record's
/// `CanonicalJSON` dictionary and against the plain reference encoder, on generated records.
@Suite struct RecordWriterPathTests {
    static func written(_ record: some CanonicalRecord) -> [UInt8] {
        var writer = CanonicalObjectWriter()
        record.writeCanonicalMembers(into: &writer)
        return writer.finish()
    }

    // 1,500 records from `make`: the writer's bytes equal the dictionary's encoding and the reference's.
    static func expectGeneratedRecordsWriteAsTheirObjects(seed: UInt64, _ make: (inout SplitMix) -> some CanonicalRecord) {
        var generator = SplitMix(seed: seed)
        for _ in 0..<1_500 {
            let record = make(&generator)
            let bytes = written(record)
            #expect(bytes == record.canonicalJSON().canonicalBytes())
            #expect(bytes == CanonicalJSONReferenceTests.reference(record.canonicalJSON()))
        }
    }

    @Test func generatedCDRsWriteAsTheirCanonicalObjects() {
        Self.expectGeneratedRecordsWriteAsTheirObjects(seed: 0xCD5) { GeneratedRecords.cdr(&$0) }
    }

    @Test func generatedAttemptsWriteAsTheirCanonicalObjects() {
        Self.expectGeneratedRecordsWriteAsTheirObjects(seed: 0xA77) { GeneratedRecords.attempt(&$0) }
    }

    @Test func generatedBidLogsWriteAsTheirCanonicalObjects() {
        Self.expectGeneratedRecordsWriteAsTheirObjects(seed: 0xB1D) { GeneratedRecords.bidLog(&$0) }
    }

    @Test func everyEscapeAtEveryPositionOfEveryLength() {
        let specials: [Unicode.Scalar] = ["\"", "\\", "\u{00}", "\u{08}", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{1F}"]
        // Bytes next to the escaped ones, which the word scan must let through.
        let neighbours: [Unicode.Scalar] = [" ", "!", "#", "[", "]", "\u{7F}", "\u{80}", "\u{20AC}"]
        for length in 1...24 {
            for position in 0..<length {
                for special in specials {
                    for neighbour in neighbours {
                        var text = ""
                        for index in 0..<length {
                            text.unicodeScalars.append(index == position ? special : neighbour)
                        }
                        let bytes = CanonicalJSON.string(text).canonicalBytes()
                        #expect(bytes == CanonicalJSONReferenceTests.referenceString(text), "\(length) \(position)")
                    }
                }
            }
        }
    }

    @Test func integersAtTheEdges() {
        for value in GeneratedRecords.integers {
            for sample in [value, value / 10, value &+ 1, value &- 1] {
                #expect(CanonicalJSON.integer(sample).canonicalBytes() == Array(String(sample).utf8))
            }
        }
    }

    @Test func aMemberSetInPlaceEncodesAsANewOne() {
        var member = CanonicalMember(key: "seq", value: .integer(0))
        var writer = CanonicalObjectWriter(overrides: [member])
        let first = writer.finish()
        for value: Int64 in [1, 9, 10, 123_456_789, -5, Int64.max, Int64.min, 7] {
            member.setInteger(value)
            var fromSet = CanonicalObjectWriter(overrides: [member])
            var fromValue = CanonicalObjectWriter(overrides: [("seq", .integer(value))])
            #expect(fromSet.finish() == fromValue.finish())
        }
        for text in ["", "0123456789abcdef", "a\"b", "\u{1F600}\n"] {
            Array(text.utf8).withUnsafeBufferPointer { member.setString(utf8: $0) }
            var fromSet = CanonicalObjectWriter(overrides: [member])
            var fromValue = CanonicalObjectWriter(overrides: [("seq", .string(text))])
            #expect(fromSet.finish() == fromValue.finish())
        }
        #expect(String(decoding: first, as: UTF8.self) == #"{"seq":0}"#)
    }

    @Test func aLongRecordGrowsTheBuffer() {
        let long = String(repeating: "x\u{F6}\"", count: 5_000)
        let attempt = AttemptRecord(
            recordID: long, nodeID: "n1", sessionID: "s", cdrRecordID: "c", attemptNumber: 1, providerID: "p1",
            bLegCallID: nil, destination: long, startMicros: 1, endMicros: 2, responseCode: nil, reason: long,
            outcome: .failed
        )
        #expect(Self.written(attempt) == CanonicalJSONReferenceTests.reference(attempt.canonicalJSON()))
    }
}
