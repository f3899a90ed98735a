import Foundation
import RecordStore
import Synchronization
import Testing
@testable import MQAL

/// The publisher takes the lines the record writer hands over in memory while it is caught up, and the chain files
/// otherwise: the stream must hold exactly what reading every record back from the files would give.
@Suite struct HandedOverPublishingTests {
    // The sink hands over every durable line once, in order, equal to the chain file's line, and only once it is
    // durable.
    @Test func theSinkHandsOverEveryDurableLineOnce() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 30))
        let handed = Mutex<[String: [DurableLine]]>([:])
        let early = Mutex(0)
        sink.observeDurableLines(kinds: ["cdr", "attempt"]) { chains in
            let durable = sink.durableSequences
            for lines in chains {
                #expect(lines.node == "n1")
                if let last = lines.lines.last, last.seq > durable[lines.kind] ?? 0 { early.withLock { $0 += 1 } }
                handed.withLock { $0[lines.kind, default: []].append(contentsOf: lines.lines) }
            }
        }
        // The first cycle after registering turns the hand-over on; records sealed before it come only from the files.
        await MQALFixtures.emitAsync(0..<1, into: sink)
        for round in 0..<4 {
            await MQALFixtures.emitAsync(1 + round * 25..<1 + (round + 1) * 25, into: sink)
        }
        await MQALFixtures.close(sink)
        #expect(early.withLock { $0 } == 0)
        for kind in ["cdr", "attempt"] {
            let file = try MQALFixtures.chainLines(directory, kind: kind)
            let lines = handed.withLock { $0[kind] ?? [] }
            #expect(lines.count >= 100)
            guard let first = lines.first else { continue }
            #expect(lines.map(\.seq) == Array(first.seq..<first.seq + UInt64(lines.count)))
            #expect(lines.map { String(decoding: $0.line, as: UTF8.self) } == file[Int(first.seq - 1)...].map { $0 + "\n" })
        }
        #expect(handed.withLock { $0["audit"] } == nil)
    }

    // Caught up, lagging (a failing record while the run in memory overflows), then restarted with a cursor behind
    // the stream: every record reaches the stream once, as its chain line, from memory and from the files.
    @Test func memoryAndFilesGiveTheSameStreamAcrossLagAndRestart() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let options = PublisherOptions(readAhead: 16, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20))
        do {
            let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 40))
            let backend = FlakyBackend(dataDirectory: directory, kind: "cdr", failing: [30])
            let publisher = StreamPublisher(kind: "cdr", dataDirectory: directory, backend: backend, options: options) {
                sink.durableSequences["cdr"] ?? 0
            }
            StreamPublishers([publisher]).attach(to: sink)
            let task = Task { try await publisher.run() }
            for round in 0..<4 {
                await MQALFixtures.emitAsync(round * 25..<(round + 1) * 25, into: sink)
            }
            #expect(try await MQALFixtures.eventually { publisher.status.cursor == 29 && publisher.status.durable == 100 })
            backend.heal()
            #expect(try await MQALFixtures.eventually { publisher.status.cursor == 100 })
            // Caught up again: what comes now is taken from memory.
            let before = await publisher.linesRead
            for round in 4..<6 {
                await MQALFixtures.emitAsync(round * 25..<(round + 1) * 25, into: sink)
            }
            #expect(try await MQALFixtures.eventually { publisher.status.cursor == 150 })
            let read = await publisher.linesRead
            #expect(before.files > 0, "the lag past the run in memory is read from the files: \(before)")
            #expect(read.memory - before.memory >= 40, "caught up, records come from memory: \(before) \(read)")
            #expect(read.memory + read.files >= 150)
            task.cancel()
            try await task.value
            await MQALFixtures.close(sink)
        }
        // The restart: the cursor file lost its last writes.
        try CursorFile(dataDirectory: directory, backend: "local", destination: "cdr", kind: "cdr").store(130)
        let sink = try MQALFixtures.sink(directory, rotation: RotationPolicy(maxRecords: 40))
        let publisher = StreamPublisher(
            kind: "cdr", dataDirectory: directory, backend: LocalBackend(dataDirectory: directory, kind: "cdr"), options: options
        ) { sink.durableSequences["cdr"] ?? 0 }
        StreamPublishers([publisher]).attach(to: sink)
        let task = Task { try await publisher.run() }
        for round in 6..<8 {
            await MQALFixtures.emitAsync(round * 25..<(round + 1) * 25, into: sink)
        }
        #expect(try await MQALFixtures.eventually { publisher.status.cursor == 200 })
        let read = await publisher.linesRead
        #expect(read.files >= 20, "131…150 were written before this start: \(read)")
        task.cancel()
        try await task.value
        await MQALFixtures.close(sink)

        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.count == 200)
        #expect(Set(entries.map(\.messageID)) == Set((1...200).map { "n1.cdr.\($0)" }))
        let lines = try MQALFixtures.chainLines(directory, kind: "cdr")
        var bySeq: [UInt64: String] = [:]
        for entry in entries {
            let seq = UInt64(entry.messageID.split(separator: ".").last ?? "") ?? 0
            bySeq[seq] = String(decoding: entry.body, as: UTF8.self)
        }
        #expect((1...200).map { bySeq[UInt64($0)] ?? "" } == lines)
    }
}
