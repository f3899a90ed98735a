public import NIOCore

/// Parses one complete SIP message from bytes (a UDP datagram or a frame cut by `SIPStreamFramer`).
public struct SIPParser: Sendable {
    public var limits: SIPParserLimits

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    /// How the message arrived: Content-Length rules differ (RFC 3261 §18.3).
    public enum Framing: Sendable {
        /// Missing Content-Length means "the rest of the datagram"; extra bytes are ignored.
        case datagram
        /// The frame is exactly one message; Content-Length is authoritative.
        case stream
    }

    /// Parses a message; the buffer is not consumed.
    public func parse(_ buffer: ByteBuffer, framing: Framing = .datagram) throws(SIPParseError) -> SIPMessage {
        guard buffer.readableBytes <= limits.maxMessageBytes else {
            throw SIPParseError(.messageTooLarge, "message of \(buffer.readableBytes) bytes exceeds \(limits.maxMessageBytes)")
        }
        let result: Result<(SIPStartLine, SIPHeaders, Int), SIPParseError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(SIPParseError) {
                return .success(try parseHead(bytes))
            } catch {
                return .failure(error)
            }
        }
        let (startLine, headers, bodyOffset) = try result.get()
        let available = buffer.readableBytes - bodyOffset
        let body: ByteBuffer
        if let lengthText = headers[.contentLength] {
            guard let length = SIPDecimal.parse(lengthText, maxDigits: 10) else {
                throw SIPParseError(.invalidContentLength, "Content-Length is not a non-negative integer")
            }
            guard length <= available else {
                throw SIPParseError(.bodyTruncated, "Content-Length \(length) but only \(available) body bytes")
            }
            body = Self.ownedBody(of: buffer, at: bodyOffset, length: length)
        } else {
            switch framing {
            case .datagram:
                body = Self.ownedBody(of: buffer, at: bodyOffset, length: available)
            case .stream:
                guard available == 0 else {
                    throw SIPParseError(.invalidContentLength, "stream message with a body but no Content-Length")
                }
                body = ByteBuffer()
            }
        }
        switch startLine {
        case .request(let method, let uri):
            try Self.validateRequestHeaders(headers, method: method)
            return .request(SIPRequest(method: method, uri: uri, headers: headers, body: body))
        case .response(let code, let reason):
            try Self.validateResponseHeaders(headers)
            return .response(SIPResponse(statusCode: code, reasonPhrase: reason, headers: headers, body: body))
        }
    }

    // A copy, not a slice: a slice would keep the whole receive buffer (64 KiB per datagram with the UDP
    // transport's allocator) alive for as long as the message is kept — an INVITE lives as long as its call.
    private static func ownedBody(of buffer: ByteBuffer, at offset: Int, length: Int) -> ByteBuffer {
        guard length > 0, let bytes = buffer.viewBytes(at: buffer.readerIndex + offset, length: length) else { return ByteBuffer() }
        return ByteBuffer(bytes: bytes)
    }

    enum SIPStartLine {
        case request(SIPMethod, SIPURI)
        case response(Int, String)
    }

    // Returns the start line, the headers and the offset of the first body byte.
    private func parseHead(_ bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> (SIPStartLine, SIPHeaders, Int) {
        var cursor = 0
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\r") || bytes[cursor] == UInt8(ascii: "\n") {
            cursor += 1
        }
        guard let startLineEnd = try nextLine(bytes, from: cursor) else {
            throw SIPParseError(.incomplete, "no complete start line")
        }
        let startLine = try parseStartLine(UnsafeRawBufferPointer(rebasing: bytes[cursor..<startLineEnd.contentEnd]))
        cursor = startLineEnd.next

        var fields: [SIPHeaderField] = []
        fields.reserveCapacity(16)
        while true {
            guard let line = try nextLine(bytes, from: cursor) else {
                throw SIPParseError(.incomplete, "header section not terminated by an empty line")
            }
            if line.contentEnd == cursor {
                cursor = line.next
                break
            }
            // Unfold continuation lines (RFC 3261 §7.3.1): a line starting with SP/HTAB continues the previous.
            let value = UnsafeRawBufferPointer(rebasing: bytes[cursor..<line.contentEnd])
            var next = line.next
            var folded: [UInt8]?
            while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") {
                guard let continuation = try nextLine(bytes, from: next) else {
                    throw SIPParseError(.incomplete, "folded header not terminated")
                }
                if folded == nil { folded = Array(value) }
                folded?.append(UInt8(ascii: " "))
                folded?.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[next..<continuation.contentEnd]))
                if let folded, folded.count > limits.maxLineBytes {
                    throw SIPParseError(.lineTooLong, "folded header line longer than \(limits.maxLineBytes) bytes")
                }
                next = continuation.next
            }
            let field: SIPHeaderField
            if let folded {
                let parsed: Result<SIPHeaderField, SIPParseError> = folded.withUnsafeBytes { unfolded in
                    do throws(SIPParseError) { return .success(try parseHeaderLine(unfolded)) } catch { return .failure(error) }
                }
                field = try parsed.get()
            } else {
                field = try parseHeaderLine(value)
            }
            // `consume`: moved into the list. A plain append copied the line (name, key and value retained) and
            // released the local at the end of the iteration.
            fields.append(consume field)
            guard fields.count <= limits.maxHeaderCount else {
                throw SIPParseError(.tooManyHeaders, "more than \(limits.maxHeaderCount) header lines")
            }
            cursor = next
        }
        return (startLine, SIPHeaders(consume fields), cursor)
    }

    private struct LineBounds {
        var contentEnd: Int
        var next: Int
    }

    // Finds the end of the line starting at `start`; accepts CRLF and, leniently, bare LF.
    private func nextLine(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(SIPParseError) -> LineBounds? {
        var index = start
        let limit = min(bytes.count, start + limits.maxLineBytes + 2)
        // Eight bytes at a time past those that are neither LF nor NUL (this scan was the parser's largest self
        // cost); the byte loop below then finds the exact one, so the word test only has to never skip one.
        if let base = bytes.baseAddress {
            while index + 8 <= limit {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if Self.hasZeroByte(word) || Self.hasZeroByte(word ^ Self.lineFeeds) { break }
                index += 8
            }
        }
        while index < limit {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                let contentEnd = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                return LineBounds(contentEnd: contentEnd, next: index + 1)
            }
            if byte == 0 {
                throw SIPParseError(.malformedHeader, "NUL byte in message head")
            }
            index += 1
        }
        if limit < bytes.count {
            throw SIPParseError(.lineTooLong, "line longer than \(limits.maxLineBytes) bytes")
        }
        return nil
    }

    private static let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A

    // Whether any of the eight bytes is 0 (the classic bit trick: exact about whether one exists).
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    private func parseStartLine(_ line: UnsafeRawBufferPointer) throws(SIPParseError) -> SIPStartLine {
        // Split on SP bytes, not Characters: a SP followed by a combining mark is one grapheme
        // and would otherwise hide the separator (or smuggle whitespace into the URI).
        let bytes = SIPBytes(line.assumingMemoryBound(to: UInt8.self))
        guard let firstSpace = bytes.firstIndex(of: UInt8(ascii: " "), in: bytes.all),
              let secondSpace = bytes.firstIndex(of: UInt8(ascii: " "), in: firstSpace + 1..<line.count)
        else {
            throw SIPParseError(.malformedStartLine, "start line does not have three parts")
        }
        let first = 0..<firstSpace
        let second = firstSpace + 1..<secondSpace
        let third = secondSpace + 1..<line.count
        if Self.startsWithSIPSlash(bytes, first) {
            guard bytes.equals(first, "SIP/2.0") else { throw SIPParseError(.unsupportedVersion, "unsupported SIP version") }
            guard let code = SIPDecimal.parseBytes(UnsafeBufferPointer(rebasing: bytes.base[second]), maxDigits: 3), (100...699).contains(code) else {
                throw SIPParseError(.malformedStartLine, "status code is not in 100...699")
            }
            return .response(code, bytes.string(third))
        }
        guard bytes.equals(third, "SIP/2.0") else {
            if Self.startsWithSIPSlash(bytes, third) { throw SIPParseError(.unsupportedVersion, "unsupported SIP version") }
            throw SIPParseError(.malformedStartLine, "request line does not end in SIP/2.0")
        }
        guard !first.isEmpty, bytes.allSatisfy(in: first, Self.isTokenByte) else {
            throw SIPParseError(.malformedStartLine, "method is not a token")
        }
        let uri = try SIPURI(bytes, second)
        return .request(SIPMethod(bytes.string(first)), uri)
    }

    private static func startsWithSIPSlash(_ bytes: SIPBytes, _ range: Range<Int>) -> Bool {
        range.count >= 4 && bytes.equals(range.lowerBound..<range.lowerBound + 4, "SIP/")
    }

    private func parseHeaderLine(_ line: UnsafeRawBufferPointer) throws(SIPParseError) -> SIPHeaderField {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw SIPParseError(.malformedHeader, "header line without ':'")
        }
        var nameEnd = colon
        while nameEnd > 0, line[nameEnd - 1] == UInt8(ascii: " ") || line[nameEnd - 1] == UInt8(ascii: "\t") { nameEnd -= 1 }
        guard nameEnd > 0 else { throw SIPParseError(.malformedHeader, "empty header name") }
        let nameBytes = UnsafeRawBufferPointer(rebasing: line[0..<nameEnd])
        guard nameBytes.allSatisfy(Self.isTokenByte) else {
            throw SIPParseError(.malformedHeader, "header name is not a token")
        }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == UInt8(ascii: " ") || line[valueStart] == UInt8(ascii: "\t") { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == UInt8(ascii: " ") || line[valueEnd - 1] == UInt8(ascii: "\t") { valueEnd -= 1 }
        // A well-known name written in its usual spelling (nearly all of them) is kept as that literal: no String
        // is decoded, and names over 15 bytes (P-Asserted-Identity) are not allocated.
        let key: SIPHeaderName
        let name: String
        if let match = KnownHeader.match(nameBytes) {
            key = SIPHeaderName(known: match.header)
            name = match.exactSpelling ? match.header.spelling : String(decoding: nameBytes, as: UTF8.self)
        } else {
            // A compact form or a name outside the table (the token check above made it ASCII).
            key = nameBytes.count > 1 ? (SIPHeaderName(unknownBytes: nameBytes) ?? SIPHeaderName(writtenBytes: nameBytes))
                : SIPHeaderName(writtenBytes: nameBytes)
            name = String(decoding: nameBytes, as: UTF8.self)
        }
        return SIPHeaderField(
            name: name,
            key: key,
            value: String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd]), as: UTF8.self)
        )
    }

    // RFC 3261 §25.1 token characters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
             UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }


    private static func validateRequestHeaders(_ headers: SIPHeaders, method: SIPMethod) throws(SIPParseError) {
        let found = try RequiredLines(headers, kind: "request")
        try validateCommon(headers, found)
        let cseq = try SIPCSeq(parsing: headers.fields[found.cseq].value)
        guard cseq.method == method else {
            throw SIPParseError(.invalidHeaderValue, "CSeq method does not match the request method")
        }
        if let index = found.maxForwards {
            guard let hops = SIPDecimal.parse(headers.fields[index].value, maxDigits: 3), (0...255).contains(hops) else {
                throw SIPParseError(.invalidHeaderValue, "Max-Forwards is not 0...255")
            }
        }
    }

    private static func validateResponseHeaders(_ headers: SIPHeaders) throws(SIPParseError) {
        let found = try RequiredLines(headers, kind: "response")
        try validateCommon(headers, found)
        _ = try SIPCSeq(parsing: headers.fields[found.cseq].value)
    }

    /// The first line of each header every message must have (and Max-Forwards), found in one pass over the list:
    /// asking for each by name walked the list eleven times a message.
    private struct RequiredLines {
        var from: Int
        var to: Int
        var callID: Int
        var cseq: Int
        var maxForwards: Int?

        /// Throws `missingHeader` naming the first of Via, From, To, Call-ID, CSeq that is absent.
        init(_ headers: SIPHeaders, kind: String) throws(SIPParseError) {
            var via = false
            var from: Int?
            var to: Int?
            var callID: Int?
            var cseq: Int?
            var maxForwards: Int?
            headers.fields.withUnsafeBufferPointer { lines in
                for index in lines.indices {
                    switch lines[index].key {
                    case .via: via = true
                    case .from: from = from ?? index
                    case .to: to = to ?? index
                    case .callID: callID = callID ?? index
                    case .cseq: cseq = cseq ?? index
                    case .maxForwards: maxForwards = maxForwards ?? index
                    default: continue
                    }
                }
            }
            guard via else { throw SIPParseError(.missingHeader, "\(kind) without \(SIPHeaderName.via) header") }
            guard let from else { throw SIPParseError(.missingHeader, "\(kind) without \(SIPHeaderName.from) header") }
            guard let to else { throw SIPParseError(.missingHeader, "\(kind) without \(SIPHeaderName.to) header") }
            guard let callID else { throw SIPParseError(.missingHeader, "\(kind) without \(SIPHeaderName.callID) header") }
            guard let cseq else { throw SIPParseError(.missingHeader, "\(kind) without \(SIPHeaderName.cseq) header") }
            self.from = from
            self.to = to
            self.callID = callID
            self.cseq = cseq
            self.maxForwards = maxForwards
        }
    }

    // Checks the headers every hop relies on; anything else stays raw until someone needs it. The top Via, From and
    // To are checked by scanning their bytes (`scan`), which throws exactly what parsing them would but builds none
    // of their strings: most messages are never asked for them, and those that are get parsed by the reader.
    private static func validateCommon(_ headers: SIPHeaders, _ found: RequiredLines) throws(SIPParseError) {
        guard try validateTopVia(headers) else { throw SIPParseError(.missingHeader, "empty Via") }
        try SIPNameAddress.validate(headers.fields[found.from].value)
        try SIPNameAddress.validate(headers.fields[found.to].value)
        // Bytes, not Characters: SP + combining mark is a single grapheme that is not " ".
        let callID = headers.fields[found.callID].value
        guard !callID.isEmpty, !callID.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
            throw SIPParseError(.invalidHeaderValue, "Call-ID is empty or contains whitespace")
        }
    }

    /// Whether there is a top Via element (`headers.firstValue(.via) != nil`), checked as `SIPVia(parsing:)` checks it.
    static func validateTopVia(_ headers: SIPHeaders) throws(SIPParseError) -> Bool {
        for index in headers.fields.indices where headers.fields[index].key == .via {
            let found = try headers.fields[index].value.withSIPBytes { bytes throws(SIPParseError) -> Bool in
                guard let first = bytes.firstPart(bytes.all, on: UInt8(ascii: ",")) else { return false }
                _ = try SIPVia.scan(bytes, first)
                return true
            }
            if found { return true }
        }
        return false
    }
}
