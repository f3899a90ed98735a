import RecordStore
import Testing
@testable import MQAL

@Suite struct HandedOverLinesTests {
    private func batch(_ seqs: ClosedRange<UInt64>) -> DurableLines {
        DurableLines(node: "n1", kind: "cdr", lines: seqs.map { DurableLine(seq: $0, line: Array("{\"seq\":\($0)}\n".utf8)) })
    }

    // A record comes out only when it is exactly the next one, as the line without its `\n`, with the id and
    // body a file read would give.
    @Test func givesTheNextRecordsAsMessages() {
        let lines = HandedOverLines(limit: 100)
        lines.offer(batch(1...5))
        #expect(lines.take(from: 2, upTo: 10, max: 10, kind: "cdr").isEmpty == false)
        // 1 was dropped as read elsewhere, 2…5 taken: nothing is left.
        #expect(lines.take(from: 6, upTo: 10, max: 10, kind: "cdr").isEmpty)
        lines.offer(batch(6...8))
        let messages = lines.take(from: 6, upTo: 10, max: 10, kind: "cdr")
        #expect(messages.map(\.seq) == [6, 7, 8])
        #expect(messages.map(\.messageID) == ["n1.cdr.6", "n1.cdr.7", "n1.cdr.8"])
        #expect(messages.first?.body == Array("{\"seq\":6}".utf8))
        #expect(messages.first == OutboundMessage(node: "n1", kind: "cdr", seq: 6, body: Array("{\"seq\":6}".utf8)))
    }

    // Never above the durable seq the publisher knows, never more than asked for; the rest stays.
    @Test func respectsDurableAndMax() {
        let lines = HandedOverLines(limit: 100)
        lines.offer(batch(1...10))
        #expect(lines.take(from: 1, upTo: 3, max: 10, kind: "cdr").map(\.seq) == [1, 2, 3])
        #expect(lines.take(from: 4, upTo: 10, max: 2, kind: "cdr").map(\.seq) == [4, 5])
        #expect(lines.take(from: 6, upTo: 5, max: 10, kind: "cdr").isEmpty)
        #expect(lines.take(from: 6, upTo: 10, max: 10, kind: "cdr").map(\.seq) == [6, 7, 8, 9, 10])
    }

    // A record that is not here (behind the run, or after a gap) gives nothing: the publisher reads the files.
    @Test func aGapOrALagGivesNothing() {
        let lines = HandedOverLines(limit: 4)
        lines.offer(batch(1...3))
        #expect(lines.take(from: 5, upTo: 10, max: 10, kind: "cdr").isEmpty)
        // A batch that does not continue the run replaces it.
        let gap = HandedOverLines(limit: 100)
        gap.offer(batch(1...3))
        gap.offer(batch(7...8))
        #expect(gap.take(from: 1, upTo: 10, max: 10, kind: "cdr").isEmpty)
        #expect(gap.take(from: 7, upTo: 10, max: 10, kind: "cdr").map(\.seq) == [7, 8])
        // Past the limit the oldest go; the publisher reads them from the files, then continues here.
        lines.offer(batch(4...10))
        #expect(lines.take(from: 1, upTo: 10, max: 10, kind: "cdr").isEmpty)
        #expect(lines.take(from: 7, upTo: 10, max: 10, kind: "cdr").map(\.seq) == [7, 8, 9, 10])
    }

    // Taken lines are released while the run continues for long (the compaction keeps it contiguous).
    @Test func aLongRunStaysContiguous() {
        let lines = HandedOverLines(limit: 8)
        var next: UInt64 = 1
        for round in 0..<100 {
            let first = UInt64(round * 5 + 1)
            lines.offer(batch(first...first + 4))
            let taken = lines.take(from: next, upTo: first + 4, max: round % 2 == 0 ? 3 : 7, kind: "cdr")
            #expect(taken.map(\.seq) == Array(next..<next + UInt64(taken.count)))
            #expect(!taken.isEmpty)
            next += UInt64(taken.count)
        }
        #expect(next == 501)
    }
}
