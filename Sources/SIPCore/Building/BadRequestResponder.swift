public import NIOCore

/// Builds a `400 Bad Request` for bytes that failed to parse, when enough of the head survives
/// to address a reply (RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied as written).
public enum BadRequestResponder {
    /// The 400 to send, or nil when the bytes are a response, unreadable, or lack what a reply needs.
    public static func response(for bytes: ByteBuffer, error: SIPParseError, limits: SIPParserLimits = .default) -> SIPResponse? {
        guard bytes.readableBytes <= limits.maxMessageBytes,
              let head = bytes.getString(at: bytes.readerIndex, length: min(bytes.readableBytes, limits.maxMessageBytes))
        else { return nil }
        // "\r\n" is one Character in Swift, so both spellings of a line end are separators.
        var lines = head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" }).makeIterator()
        var startLine: Substring?
        while let line = lines.next() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if !trimmed.isEmpty {
                startLine = trimmed
                break
            }
        }
        // Only requests get an answer, and never an ACK (RFC 3261 §17.2.1: ACK is never answered).
        guard let startLine, !startLine.hasPrefix("SIP/"), !startLine.hasPrefix("ACK "),
              startLine.split(separator: " ").count == 3
        else { return nil }
        var headers = SIPHeaders()
        var seen = Set<SIPHeaderName>()
        var count = 0
        while let rawLine = lines.next() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { break }
            count += 1
            guard count <= limits.maxHeaderCount, line.utf8.count <= limits.maxLineBytes,
                  let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).sipTrimmed
            guard !name.isEmpty, name.utf8.allSatisfy(SIPParser.isTokenByte) else { continue }
            let value = String(line[line.index(after: colon)...]).sipTrimmed
            let key = SIPHeaderName(name)
            switch key {
            case .via:
                headers.append(name, value)
                seen.insert(key)
            case .to:
                // A final response needs a To tag (RFC 3261 §8.2.6.2); the text is not parsed further.
                if !seen.contains(key) { headers.append(name, value.contains(";tag=") ? value : value + ";tag=sipswarm-400") }
                seen.insert(key)
            case .from, .callID, .cseq:
                if !seen.contains(key) { headers.append(name, value) }
                seen.insert(key)
            default:
                continue
            }
        }
        guard let via = headers[.via], (try? SIPVia(parsing: via)) != nil,
              seen.isSuperset(of: [.from, .to, .callID, .cseq]) else { return nil }
        let reason = "Bad Request (\(error.code))"
        return SIPResponse(statusCode: 400, reasonPhrase: reason, headers: headers)
    }
}
