/// Reads a local stream in order, for `sipswarm stream tail` and tests; follows new entries and segments.
public struct LocalStreamReader: StreamReader {
    private let directory: String
    private let kind: String
    private var nextSequence: UInt64
    private var current: ChainFileReader?
    private var currentLine = 0

    /// A reader whose first entry is `sequence + 1` (0: from the start).
    public init(dataDirectory: String, kind: String, after sequence: UInt64 = 0) {
        self.directory = LocalStreamSegments.directory(dataDirectory: dataDirectory, kind: kind)
        self.kind = kind
        self.nextSequence = sequence + 1
    }

    /// Every entry of the stream. A last entry without its `\n` is `tornEntry` (a crash cut it short; the
    /// backend moves it aside at its next start and the record is published again), a damaged one `corruptStream`.
    public static func readAll(dataDirectory: String, kind: String) throws(StreamError) -> [StreamEntry] {
        let directory = LocalStreamSegments.directory(dataDirectory: dataDirectory, kind: kind)
        var entries: [StreamEntry] = []
        for segment in try LocalStreamSegments.list(directory: directory, kind: kind) {
            let contents = try LocalStreamSegments.read(directory: directory, name: segment.name)
            if let torn = contents.tornTail {
                throw StreamError(
                    .tornEntry,
                    reason: "\(directory)/\(segment.name): \(torn.bytes.count) bytes after offset \(torn.offset) without a final newline"
                )
            }
            entries.append(contentsOf: contents.entries)
        }
        return entries
    }

    /// The last `count` entries' position: the sequence to start after so that `next` returns them.
    public static func sequence(beforeLast count: Int, dataDirectory: String, kind: String) throws(StreamError) -> UInt64 {
        let directory = LocalStreamSegments.directory(dataDirectory: dataDirectory, kind: kind)
        let segments = try LocalStreamSegments.list(directory: directory, kind: kind)
        var remaining = count
        for segment in segments.reversed() {
            let entries = try LocalStreamSegments.read(directory: directory, name: segment.name).entries
            guard let last = entries.last else { continue }
            if entries.count >= remaining {
                return last.sequence - UInt64(remaining)
            }
            remaining -= entries.count
        }
        return 0
    }

    public mutating func next(max: Int, wait: Duration) async throws(StreamError) -> [StreamEntry] {
        let deadline = ContinuousClock.now + wait
        while true {
            let entries = try readAvailable(max: max)
            if !entries.isEmpty || ContinuousClock.now >= deadline {
                return entries
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return []
            }
        }
    }

    private mutating func readAvailable(max: Int) throws(StreamError) -> [StreamEntry] {
        var entries: [StreamEntry] = []
        while entries.count < max {
            if current == nil {
                guard try openSegment(holding: nextSequence) else { break }
            }
            guard let reader = current else { break }
            guard let line = try reader.nextLine() else {
                // Nothing more here now; a newer segment starting at the next sequence takes over.
                let segments = try LocalStreamSegments.list(directory: directory, kind: kind)
                guard segments.contains(where: { $0.firstSequence == nextSequence && $0.name != reader.name }) else { break }
                current = nil
                continue
            }
            currentLine += 1
            guard let entry = LocalStreamEntry.decode(line) else {
                throw StreamError(.corruptStream, reason: "\(reader.path):\(currentLine): entry does not decode or its CRC does not match")
            }
            guard entry.sequence >= nextSequence else { continue }
            entries.append(entry)
            nextSequence = entry.sequence + 1
        }
        return entries
    }

    private mutating func openSegment(holding sequence: UInt64) throws(StreamError) -> Bool {
        let segments = try LocalStreamSegments.list(directory: directory, kind: kind)
        guard let segment = segments.last(where: { $0.firstSequence <= sequence }) else { return false }
        current = try ChainFileReader(directory: directory, name: segment.name)
        currentLine = 0
        return true
    }
}
