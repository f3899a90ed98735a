import Foundation
import Testing
@testable import MQAL

@Suite struct LocalBackendTests {
    private func messages(_ range: ClosedRange<UInt64>, kind: String = "cdr") -> [OutboundMessage] {
        range.map { OutboundMessage(node: "n1", kind: kind, seq: $0, body: Array("{\"seq\":\($0)}".utf8)) }
    }

    @Test func appendsAndReadsBackInOrder() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        let results = await backend.publish(messages(1...5))
        #expect(results.map { try? $0.get().sequence } == [1, 2, 3, 4, 5])
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.map(\.messageID) == (1...5).map { "n1.cdr.\($0)" })
        #expect(entries.map { String(decoding: $0.body, as: UTF8.self) } == (1...5).map { "{\"seq\":\($0)}" })
    }

    // A batch that repeats an id (not ascending in seq) stores it once; an ascending batch is taken whole.
    @Test func aRepeatInsideOneBatchIsStoredOnce() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        let batch = messages(1...2) + messages(2...3) + messages(1...1)
        let acks = await backend.publish(batch).compactMap { try? $0.get() }
        #expect(acks.map(\.sequence) == [1, 2, 2, 3, 1])
        #expect(acks.map(\.duplicate) == [false, false, true, false, true])
        let more = await backend.publish(messages(4...6)).compactMap { try? $0.get() }
        #expect(more.map(\.sequence) == [4, 5, 6])
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.map(\.messageID) == (1...6).map { "n1.cdr.\($0)" })
    }

    // A restart republishes what came after its last cursor write: those ids are in the stream already.
    @Test func repeatsAfterARestartAreNotAppendedAgain() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
            _ = await backend.publish(messages(1...10))
            await backend.close()
        }
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        let results = await backend.publish(messages(6...15))
        let acks = results.compactMap { try? $0.get() }
        #expect(acks.count == 10)
        #expect(acks.prefix(5).allSatisfy { $0.duplicate })
        #expect(acks.prefix(5).map(\.sequence) == [6, 7, 8, 9, 10])
        #expect(acks.suffix(5).map(\.sequence) == [11, 12, 13, 14, 15])
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.map(\.messageID) == (1...15).map { "n1.cdr.\($0)" })
    }

    @Test func segmentsRotateAndTheReaderFollowsThem() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr", maxSegmentBytes: 100)
        for seq: UInt64 in 1...20 {
            _ = await backend.publish(messages(seq...seq))
        }
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory + "/streams/cdr")
        #expect(segments.count > 3)
        var reader = LocalStreamReader(dataDirectory: directory, kind: "cdr", after: 3)
        let entries = try await reader.next(max: 100, wait: .zero)
        #expect(entries.map(\.sequence) == Array(4...20))
        #expect(try LocalStreamReader.sequence(beforeLast: 5, dataDirectory: directory, kind: "cdr") == 15)
    }

    // A crash in the middle of an append leaves a last line without `\n`: detected (typed error for readers),
    // moved aside at the next start, and the record (never acknowledged) is appended again: nothing lost.
    @Test func tornTailIsDetectedQuarantinedAndNothingIsLost() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
            _ = await backend.publish(messages(1...3))
        }
        let segment = directory + "/streams/cdr/" + LocalStreamSegments.name(kind: "cdr", firstSequence: 1)
        let torn = LocalStreamEntry.encode(sequence: 4, messageID: "n1.cdr.4", body: Array("{\"seq\":4}".utf8)).dropLast(5)
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data(torn))
        try handle.close()

        do {
            _ = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
            Issue.record("a torn tail must be reported")
        } catch {
            #expect(error.code == .tornEntry)
        }

        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        try await backend.ensure()
        #expect(await backend.quarantinedBytes == torn.count)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: directory + "/streams/quarantine")
        #expect(quarantined.count == 1)
        let results = await backend.publish(messages(3...5))
        #expect(results.compactMap { try? $0.get() }.map(\.duplicate) == [true, false, false])
        let entries = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
        #expect(entries.map(\.messageID) == (1...5).map { "n1.cdr.\($0)" })
    }

    // A damaged complete entry cannot come from a crash: the backend refuses to append, the reader names the line.
    @Test func corruptEntryIsRefusedWithItsLine() async throws {
        let directory = MQALFixtures.temporaryDirectory()
        do {
            let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
            _ = await backend.publish(messages(1...3))
        }
        let segment = directory + "/streams/cdr/" + LocalStreamSegments.name(kind: "cdr", firstSequence: 1)
        var text = try String(contentsOfFile: segment, encoding: .utf8)
        text = text.replacingOccurrences(of: "{\"seq\":2}", with: "{\"seq\":9}")
        try text.write(toFile: segment, atomically: true, encoding: .utf8)

        do {
            _ = try LocalStreamReader.readAll(dataDirectory: directory, kind: "cdr")
            Issue.record("a corrupt entry must be reported")
        } catch {
            #expect(error.code == .corruptStream)
            #expect(error.reason.contains(":2:"))
        }
        let backend = LocalBackend(dataDirectory: directory, kind: "cdr")
        await #expect(throws: StreamError.self) { try await backend.ensure() }
        let results = await backend.publish(messages(4...4))
        #expect(results.allSatisfy { (try? $0.get()) == nil })
    }

    @Test func entryEncodingRoundTripsAndChecksItsCRC() {
        let line = LocalStreamEntry.encode(sequence: 77, messageID: "n1.audit.3", body: Array("{\"a\":\"b c\"}".utf8))
        #expect(line.last == UInt8(ascii: "\n"))
        let entry = LocalStreamEntry.decode(line.dropLast())
        #expect(entry == StreamEntry(sequence: 77, messageID: "n1.audit.3", body: Array("{\"a\":\"b c\"}".utf8)))
        var damaged = line.dropLast()
        damaged[damaged.startIndex + 20] ^= 0x01
        #expect(LocalStreamEntry.decode(damaged) == nil)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func slicingByEightCRCMatchesTheByteAtATimeDefinition() {
        // Standard check values (zlib's crc32): the empty input, the catalogue's "123456789", a pangram.
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("123456789".utf8)[...]) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        // Every length 0 ..< 40 (the eight-byte steps and the tail), at odd slice offsets, random bytes.
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<5 {
            for length in 0..<40 {
                let slice = bytes[start..<start + length]
                #expect(CRC32.checksum(slice) == CRC32.referenceChecksum(slice))
            }
        }
        #expect(CRC32.checksum(AnySequence(bytes)) == CRC32.referenceChecksum(bytes))
    }

    @Test func entryAppendedInPlaceEqualsTheEntryEncodedAlone() {
        var batch: [UInt8] = Array("prefix".utf8)
        for sequence: UInt64 in [0, 9, 10, 123_456_789, .max] {
            let body = Array(#"{"seq":1}"#.utf8)
            let alone = LocalStreamEntry.encode(sequence: sequence, messageID: "n1.cdr.\(sequence)", body: body)
            let expectedCRC = CRC32.referenceChecksum(Array("\(sequence) n1.cdr.\(sequence) ".utf8) + body)
            #expect(alone == Array("\(String(format: "%08x", expectedCRC)) \(sequence) n1.cdr.\(sequence) ".utf8) + body + [0x0A])
            let start = batch.count
            LocalStreamEntry.append(sequence: sequence, messageID: "n1.cdr.\(sequence)", body: body, to: &batch)
            #expect(Array(batch[start...]) == alone)
            #expect(LocalStreamEntry.decode(batch[start..<batch.count - 1])?.sequence == sequence)
        }
    }
}
