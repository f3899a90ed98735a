import Foundation
import RecordStore
import Testing
@testable import MQAL

@Suite struct ChainTailerTests {
    // A real sink rotating every 7 records: the tailer must cross hundreds of files without loss or repeat.
    @Test func followsTheChainAcrossRotations() throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 7))
        let tailer = ChainTailer(dataDirectory: directory, kind: "cdr", after: 0)
        var seen: [UInt64] = []
        // One flush per five sessions: a harvest cycle is never split, so this gives files of 10 records.
        for round in 0..<50 {
            MQALFixtures.emit(round * 5..<(round + 1) * 5, into: sink)
            let durable = sink.durableSequences["cdr"] ?? 0
            // Small reads, so a read often stops in the middle of a file.
            while true {
                let lines = try tailer.read(upTo: durable, max: 4)
                guard !lines.isEmpty else { break }
                seen.append(contentsOf: lines.map(\.seq))
            }
            #expect(seen.last == durable)
        }
        sink.close()
        #expect(seen == Array(1...250))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/cdr").filter { $0.hasSuffix(".jsonl") }
        #expect(files.count >= 20)
    }

    @Test func resumesFromACursorInTheMiddleOfAFileAndAcrossNodeStarts() throws {
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 10))
            MQALFixtures.emit(0..<35, into: sink)
            sink.close()
        }
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 10))
        MQALFixtures.emit(35..<50, into: sink)
        let durable = sink.durableSequences["cdr"] ?? 0
        #expect(durable == 50)
        let tailer = ChainTailer(dataDirectory: directory, kind: "cdr", after: 23)
        let lines = try tailer.read(upTo: durable, max: 1000)
        #expect(lines.map(\.seq) == Array(24...50))
        let expected = try MQALFixtures.chainLines(directory, kind: "cdr")
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == Array(expected[23..<50]))
        #expect(lines.allSatisfy { $0.message.messageID == "n1.cdr.\($0.seq)" })
        sink.close()
    }

    @Test func neverReadsPastTheDurableSeq() throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory)
        MQALFixtures.emit(0..<10, into: sink)
        let tailer = ChainTailer(dataDirectory: directory, kind: "cdr", after: 0)
        #expect(try tailer.read(upTo: 4, max: 100).map(\.seq) == [1, 2, 3, 4])
        #expect(try tailer.read(upTo: 4, max: 100).isEmpty)
        #expect(try tailer.read(upTo: 10, max: 100).map(\.seq) == Array(5...10))
        sink.close()
    }
}
