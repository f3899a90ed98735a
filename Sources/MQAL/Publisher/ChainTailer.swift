/// Follows one chain (`DATA/<kind>/*.jsonl`) in `seq` order from a cursor, across rotations and node starts.
///
/// The files of a kind, ordered by the `seq` of their first line, form the chain (docs/ledger-format.md; names
/// carry no meaning). The tailer keeps the file it reads open with its offset; only when that file has no
/// further line while later records are durable does it list the folder again, reading the first line of
/// files it has not seen yet, to find the file whose first record is the next `seq`.
final class ChainTailer {
    let directory: String
    /// The `seq` the next returned line will have.
    private(set) var nextSeq: UInt64
    // First seq of every file seen with at least one line; a file's first line never changes.
    private var firstSeqs: [String: UInt64] = [:]
    private var current: ChainFileReader?

    /// A tailer over `DATA/<kind>` whose first line will be `cursor + 1`.
    init(dataDirectory: String, kind: String, after cursor: UInt64) {
        self.directory = dataDirectory + "/" + kind
        self.nextSeq = cursor + 1
    }

    /// Up to `max` records with `seq <= durable`, in order, continuing where the last call stopped.
    /// Fewer (or none) when the next durable record is not readable yet.
    func read(upTo durable: UInt64, max: Int) throws(StreamError) -> [ChainRecordLine] {
        var lines: [ChainRecordLine] = []
        while lines.count < max, nextSeq <= durable {
            if current == nil {
                current = try open(holding: nextSeq)
                guard current != nil else { break }
            }
            guard let reader = current else { break }
            guard let line = try reader.nextLine() else {
                // This file has nothing more now, yet a later record is durable: it is in the next file.
                guard let next = try open(holding: nextSeq), next.name != reader.name else { break }
                current = next
                continue
            }
            let record = try ChainRecordLine(line: line, path: reader.path)
            if record.seq < nextSeq {
                continue  // before the cursor: positioning inside the file
            }
            guard record.seq == nextSeq else {
                throw StreamError(.chainUnreadable, reason: "\(reader.path): seq \(record.seq) where \(nextSeq) was expected")
            }
            lines.append(record)
            nextSeq += 1
        }
        return lines
    }

    /// Continues after `seq`: the records up to it came from elsewhere (lines handed over in memory). The open file
    /// is let go, so a later read starts in the file holding the next record instead of scanning on from here.
    func skip(past seq: UInt64) {
        guard seq >= nextSeq else { return }
        nextSeq = seq + 1
        current = nil
    }

    // The file whose first seq is the largest at or below `seq`, opened at its start; nil when none is visible yet.
    private func open(holding seq: UInt64) throws(StreamError) -> ChainFileReader? {
        for name in try POSIXDirectory.names(in: directory) where Self.isChainFile(name) && firstSeqs[name] == nil {
            let reader = try ChainFileReader(directory: directory, name: name)
            if let line = try reader.nextLine() {
                firstSeqs[name] = try ChainRecordLine(line: line, path: reader.path).seq
            }
        }
        let holder = firstSeqs.filter { $0.value <= seq }.max { $0.value < $1.value }
        guard let holder else { return nil }
        return try ChainFileReader(directory: directory, name: holder.key)
    }

    // Chain files end in `.jsonl`; the pre-created next file (`.<kind>-next-….jsonl.open`) and manifests do not.
    private static func isChainFile(_ name: String) -> Bool {
        name.hasSuffix(".jsonl") && !name.hasPrefix(".")
    }
}
