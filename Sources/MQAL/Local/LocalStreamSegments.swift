/// The segment files of one local stream, `DATA/streams/<kind>/<kind>-<first sequence, 20 digits>.stream`.
///
/// Zero-padded first sequences make name order stream order. Segments are only appended to; a new one starts
/// when the current one reaches its size limit.
enum LocalStreamSegments {
    static let suffix = ".stream"

    /// `DATA/streams/<kind>`.
    static func directory(dataDirectory: String, kind: String) -> String {
        dataDirectory + "/streams/" + kind
    }

    /// `DATA/streams/quarantine`: torn tails moved aside at recovery.
    static func quarantineDirectory(dataDirectory: String) -> String {
        dataDirectory + "/streams/quarantine"
    }

    static func name(kind: String, firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return kind + "-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The first sequence a segment name promises; nil for names that are not segments of `kind`.
    static func firstSequence(of name: String, kind: String) -> UInt64? {
        guard name.hasPrefix(kind + "-"), name.hasSuffix(suffix) else { return nil }
        let digits = name.dropFirst(kind.count + 1).dropLast(suffix.count)
        guard digits.count == 20 else { return nil }
        return UInt64(digits)
    }

    /// The segments of `kind`, in stream order, as (name, first sequence).
    static func list(directory: String, kind: String) throws(StreamError) -> [(name: String, firstSequence: UInt64)] {
        try POSIXDirectory.names(in: directory)
            .compactMap { name in firstSequence(of: name, kind: kind).map { (name, $0) } }
            .sorted { $0.firstSequence < $1.firstSequence }
    }

    /// What a whole segment holds.
    struct Contents {
        var entries: [StreamEntry] = []
        /// Offset and bytes of a last line without `\n`, if any: a write a crash cut short.
        var tornTail: (offset: Int64, bytes: [UInt8])?
        /// Offset just past the last complete entry.
        var validLength: Int64 = 0
    }

    /// Reads and checks every entry of a segment. A complete line that does not decode, or a sequence out of
    /// order, is `corruptStream` naming file and line: a crash cannot produce it, so it is not repaired.
    static func read(directory: String, name: String) throws(StreamError) -> Contents {
        let reader = try ChainFileReader(directory: directory, name: name)
        var contents = Contents()
        var lineNumber = 0
        while let line = try reader.nextLine() {
            lineNumber += 1
            guard let entry = LocalStreamEntry.decode(line) else {
                throw StreamError(.corruptStream, reason: "\(reader.path):\(lineNumber): entry does not decode or its CRC does not match")
            }
            if let last = contents.entries.last, entry.sequence != last.sequence + 1 {
                throw StreamError(.corruptStream, reason: "\(reader.path):\(lineNumber): sequence \(entry.sequence) after \(last.sequence)")
            }
            contents.entries.append(entry)
            contents.validLength += Int64(line.count + 1)
        }
        let file = try POSIXFile.openForReading(reader.path)
        let size = try file.size()
        if size > contents.validLength {
            contents.tornTail = (contents.validLength, try file.read(at: contents.validLength, count: Int(size - contents.validLength)))
        }
        return contents
    }
}
