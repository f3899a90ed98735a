import Foundation
@testable import RecordStore
import Records
import Testing

/// The journal log's bytes as `LiveJournalWriter` writes them (literal keys into one buffer per cycle) against the
/// lines the dictionary encoding of the same changes gives, on generated changes over many cycles.
@Suite struct LiveJournalLogBytesTests {
    // A seeded generator (Knuth's MMIX linear congruential, the high bits), so the cycles are the same on every run.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 29
        }

        // Ids and URIs, sometimes with what JSON escapes or multi-byte UTF-8.
        mutating func text() -> String {
            let pieces = ["a", "7", "-", "@", "sip:4930123456@127.0.0.1:5060", "\"", "\\", "\n", "\u{1}", "\u{E9}", "\u{20AC}", "\u{1F600}"]
            var text = ""
            for _ in 0..<Int(next() % 12) {
                text += pieces[Int(next() % UInt64(pieces.count))]
            }
            return text
        }

        mutating func maybeText() -> String? {
            next() % 3 == 0 ? nil : text()
        }

        mutating func time() -> Int64 {
            Int64(bitPattern: next()) >> Int64(next() % 64)
        }
    }

    static func change(_ generator: inout Generator) -> LiveSessionJournalChange {
        guard generator.next() % 3 != 0 else { return .ended(sessionID: generator.text()) }
        return .answered(
            LiveSessionJournalEntry(
                sessionID: generator.text(), nodeID: generator.text(), customerID: generator.text(),
                providerID: generator.maybeText(), setupMicros: generator.time(), answerMicros: generator.time(),
                aCallID: generator.text(), bCallID: generator.maybeText(), destination: generator.maybeText()
            )
        )
    }

    // The log as the dictionary path wrote it: the header, then per cycle its changes and its time line.
    static func dictionaryLine(_ value: CanonicalJSON, to bytes: inout [UInt8]) {
        value.write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    @Test func generatedCyclesWriteTheDictionaryLines() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = LiveJournalWriter(dataDirectory: directory, generation: 0)
        // The first cycle writes the snapshot and a log holding only its header.
        try writer.apply([], at: 1)
        var expected: [UInt8] = []
        Self.dictionaryLine(.object(["generation": .integer(1)]), to: &expected)
        var generator = Generator(state: 0x10C5)
        var live: [String: LiveSessionJournalEntry] = [:]
        // Under `minimumCompactionLines` in all, so every cycle appends to the same log.
        for _ in 0..<60 {
            let changes = (0..<Int(generator.next() % 40)).map { _ in Self.change(&generator) }
            let time = generator.time()
            try writer.apply(changes, at: time)
            for change in changes {
                change.apply(to: &live)
            }
            // Nothing is written while no session is or was live.
            if changes.isEmpty && live.isEmpty {
                continue
            }
            for change in changes {
                Self.dictionaryLine(change.canonicalJSON(), to: &expected)
            }
            Self.dictionaryLine(.object(["time_us": .integer(time)]), to: &expected)
        }
        let written = try Data(contentsOf: URL(fileURLWithPath: LiveJournalFile.logPath(dataDirectory: directory)))
        #expect(Array(written) == expected)
    }
}
