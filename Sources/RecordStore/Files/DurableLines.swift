/// One chain's records that a harvest cycle made durable, as the lines written to the chain file: what a stream
/// publisher would otherwise read back from the file it was just written to (issue 9).
///
/// Handed over on the writer thread after the cycle's sync (`JSONLinesRecordSink.observeDurableLines`), so every
/// line is on disk before anyone sees it. The lines are the ones appended to the file, shared, not copied.
public struct DurableLines: Sendable {
    /// The node that wrote the chain (the `node` of every line).
    public let node: String
    /// The chain (`cdr`, `attempt`, `bidlog`, `audit`).
    public let kind: String
    /// Ascending, contiguous `seq`s.
    public let lines: [DurableLine]

    /// Lines of `node`'s chain `kind`.
    public init(node: String, kind: String, lines: [DurableLine]) {
        self.node = node
        self.kind = kind
        self.lines = lines
    }
}

/// One record line of a chain with its `seq`.
public struct DurableLine: Sendable {
    /// The record's `seq` in its chain.
    public let seq: UInt64
    /// The line exactly as in the chain file, `\n` included.
    public let line: [UInt8]

    /// A line with its `seq`.
    public init(seq: UInt64, line: [UInt8]) {
        self.seq = seq
        self.line = line
    }
}

/// The lines a chain has sealed and not yet handed over; lives in `ChainOutput` while an observer wants them.
struct SealedLineBuffer: Sendable {
    /// Beyond this many lines waiting (writes failing for a long time) the older ones are dropped: a consumer
    /// then reads them from the file, which holds them anyway, so memory stays bounded.
    static let limit = 8_192

    private var lines: [DurableLine] = []

    mutating func add(seq: UInt64, line: [UInt8]) {
        if lines.count >= Self.limit {
            lines.removeAll(keepingCapacity: true)
        }
        lines.append(DurableLine(seq: seq, line: line))
    }

    /// Removes and returns the lines with `seq <= durable`, ascending.
    mutating func take(upTo durable: UInt64) -> [DurableLine] {
        guard let last = lines.last else { return [] }
        if last.seq <= durable {
            // The usual case: the whole cycle is synced; hand the array over without copying it.
            defer { lines = [] }
            return lines
        }
        let count = lines.firstIndex { $0.seq > durable } ?? lines.count
        let taken = Array(lines[..<count])
        lines.removeFirst(count)
        return taken
    }
}
