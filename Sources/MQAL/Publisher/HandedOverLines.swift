import RecordStore
import Synchronization

/// Durable chain lines the record writer handed over in memory (`JSONLinesRecordSink.observeDurableLines`),
/// waiting for the publisher: the records it would otherwise read back from the chain file just written (that
/// read-back and its re-parsing were a tenth of the record writer thread's CPU, issue 9).
///
/// It holds one contiguous, ascending run of `seq`s, at most `limit` lines (the newest). The chain files stay the
/// source of truth: the publisher takes a record from here only when it is exactly the next one it needs, and
/// reads from the files whatever is not here — after a restart, while it lags behind by more than `limit`, or
/// across a gap (lines sealed before it attached, or dropped by the writer while writes failed).
final class HandedOverLines: Sendable {
    let limit: Int
    private let run: Mutex<Run>

    private struct Run {
        var node = ""
        var lines: [DurableLine] = []
        /// Index of the first line not yet taken or dropped.
        var head = 0

        var count: Int { lines.count - head }
    }

    init(limit: Int) {
        self.limit = max(1, limit)
        self.run = Mutex(Run())
    }

    /// Adds the lines of one harvest cycle. A batch that does not continue the run replaces it.
    func offer(_ batch: DurableLines) {
        guard let first = batch.lines.first else { return }
        run.withLock { run in
            if run.count > 0, run.lines[run.lines.count - 1].seq + 1 != first.seq {
                run.lines.removeAll(keepingCapacity: true)
                run.head = 0
            }
            // Taken lines are released here, once a cycle, not one `removeFirst` per take; caught up, nothing is
            // left to move.
            if run.head > 0 {
                run.lines.removeFirst(run.head)
                run.head = 0
            }
            run.node = batch.node
            run.lines.append(contentsOf: batch.lines)
            if run.count > limit {
                run.lines.removeFirst(run.count - limit)
            }
        }
    }

    /// Up to `max` messages starting exactly at `seq`, none above `durable`; empty when `seq` is not here.
    /// Lines before `seq` (already read from the files) are dropped.
    func take(from seq: UInt64, upTo durable: UInt64, max: Int, kind: String) -> [OutboundMessage] {
        guard seq <= durable, max > 0 else { return [] }
        let (node, lines): (String, ArraySlice<DurableLine>) = run.withLock { run in
            guard run.count > 0 else { return ("", []) }
            let first = run.lines[run.head].seq
            if first < seq {
                run.head += Int(clamping: Swift.min(seq - first, UInt64(run.count)))
            }
            guard run.count > 0, run.lines[run.head].seq == seq else { return ("", []) }
            let available = Swift.min(UInt64(run.count), durable - seq + 1)
            let taken = Swift.min(max, Int(clamping: available))
            let slice = run.lines[run.head..<run.head + taken]
            run.head += taken
            if run.count == 0 {
                // All taken: the lines are let go now (the slice keeps what it returns), not at the next offer.
                run.lines.removeAll(keepingCapacity: true)
                run.head = 0
            }
            return (run.node, slice)
        }
        // Built outside the lock: the writer thread offers the next cycle meanwhile.
        return lines.map { line in
            OutboundMessage(node: node, kind: kind, seq: line.seq, body: Self.body(of: line.line))
        }
    }

    // The line without its `\n`: the message body (docs/streams.md).
    private static func body(of line: [UInt8]) -> [UInt8] {
        line.last == UInt8(ascii: "\n") ? Array(line.dropLast()) : line
    }
}
