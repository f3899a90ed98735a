import Records
import Testing

/// The crash journal's log lines as the record writer writes them (`LiveSessionJournalChange.writeCanonicalMembers`
/// into `CanonicalLines`: literal keys, no dictionary) against the dictionary encoding of `canonicalJSON()` they
/// replaced, and against the plain reference encoder, on generated changes.
@Suite struct JournalLineWriterPathTests {
    // The lines of `changes` the dictionary way, each followed by `\n`, then the time line.
    static func dictionaryLines(_ changes: [LiveSessionJournalChange], time: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        for change in changes {
            change.canonicalJSON().write(into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        CanonicalJSON.object(["time_us": .integer(time)]).write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    // Batches of 0 to 40 changes (a small starting capacity, so the buffer grows between and inside lines).
    @Test func generatedChangesWriteAsTheirCanonicalObjects() {
        var generator = SplitMix(seed: 0x10C)
        for _ in 0..<300 {
            let changes = (0..<Int(generator.next() % 41)).map { _ in GeneratedRecords.journalChange(&generator) }
            let time = GeneratedRecords.time(&generator)
            var lines = CanonicalLines(capacity: Int(generator.next() % 200))
            for change in changes {
                lines.append(change)
            }
            lines.append { $0.member("time_us", time) }
            #expect(lines.finish() == Self.dictionaryLines(changes, time: time))
        }
    }

    @Test func generatedChangesMatchTheReferenceEncoder() {
        var generator = SplitMix(seed: 0x10D)
        for _ in 0..<1_500 {
            let change = GeneratedRecords.journalChange(&generator)
            var lines = CanonicalLines(capacity: 64)
            lines.append(change)
            #expect(lines.finish() == CanonicalJSONReferenceTests.reference(change.canonicalJSON()) + [UInt8(ascii: "\n")])
        }
    }

    // The lines the journal wrote before, spelled out: a change of each kind, the time line, the log's header.
    @Test func theLinesAreTheKnownOnes() {
        var lines = CanonicalLines(capacity: 0)
        let entry = LiveSessionJournalEntry(
            sessionID: "s-1", nodeID: "n1", customerID: "c1", providerID: nil, setupMicros: 10, answerMicros: 20,
            aCallID: "a@x", bCallID: "b@y", destination: nil
        )
        lines.append(LiveSessionJournalChange.answered(entry))
        lines.append { LiveSessionJournalChange.ended(sessionID: "s-1").writeCanonicalMembers(into: &$0) }
        lines.append { $0.member("time_us", 30) }
        lines.append { $0.member("generation", 2) }
        #expect(
            String(decoding: lines.finish(), as: UTF8.self) == """
                {"answered":{"a_call_id":"a@x","answer_us":20,"b_call_id":"b@y","customer_id":"c1","node":"n1","session_id":"s-1","setup_us":10}}
                {"ended":"s-1"}
                {"time_us":30}
                {"generation":2}

                """
        )
    }
}
