/// One line of a local stream segment: `<crc32 8 hex> <sequence> <message id> <body>\n`.
///
/// The CRC covers everything after its own field and the space (`<sequence> <message id> <body>`). A record
/// line contains no `\n` (canonical JSON escapes it) and a message id no space, so the line splits unambiguously.
enum LocalStreamEntry {
    /// Encodes an entry, `\n` included.
    static func encode(sequence: UInt64, messageID: String, body: [UInt8]) -> [UInt8] {
        var covered = Array("\(sequence) \(messageID) ".utf8)
        covered.append(contentsOf: body)
        let crc = String(CRC32.checksum(covered), radix: 16)
        var line = Array((String(repeating: "0", count: 8 - crc.count) + crc + " ").utf8)
        line.append(contentsOf: covered)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// Decodes a line without its `\n`; nil when it is not a well-formed entry or its CRC does not match.
    static func decode(_ line: ArraySlice<UInt8>) -> StreamEntry? {
        let space = UInt8(ascii: " ")
        guard line.count > 9, line[line.startIndex + 8] == space else { return nil }
        let crcText = String(decoding: line[line.startIndex..<line.startIndex + 8], as: UTF8.self)
        guard let crc = UInt32(crcText, radix: 16) else { return nil }
        let covered = line[(line.startIndex + 9)...]
        guard CRC32.checksum(covered) == crc else { return nil }
        guard
            let firstSpace = covered.firstIndex(of: space),
            let sequence = UInt64(String(decoding: covered[covered.startIndex..<firstSpace], as: UTF8.self)),
            let secondSpace = covered[(firstSpace + 1)...].firstIndex(of: space)
        else { return nil }
        let messageID = String(decoding: covered[(firstSpace + 1)..<secondSpace], as: UTF8.self)
        guard !messageID.isEmpty else { return nil }
        return StreamEntry(sequence: sequence, messageID: messageID, body: Array(covered[(secondSpace + 1)...]))
    }
}
