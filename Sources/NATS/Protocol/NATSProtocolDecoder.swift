public import NIOCore
import Foundation

/// Decodes the server side of the NATS protocol, one operation per call.
///
/// Pure: no I/O, no clock. Returns `nil` without consuming when an operation is incomplete;
/// throws `NATSProtocolError` on garbage, oversize lines or payloads, and size mismatches.
public struct NATSProtocolDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = NATSServerMessage

    /// Default cap on a control line (the INFO line is the longest in practice).
    public static let defaultMaxControlLineLength = 16 * 1024
    /// Payload cap used before the first INFO when no explicit limit is configured.
    public static let defaultMaxPayload = 1024 * 1024

    /// The longest control line accepted, CRLF excluded.
    public let maxControlLineLength: Int
    /// The largest MSG payload / HMSG total accepted.
    public private(set) var maxPayload: Int
    private let followsServerMaxPayload: Bool

    /// - Parameter maxPayload: a fixed cap; when `nil`, the cap follows `max_payload` from each INFO.
    public init(maxControlLineLength: Int = Self.defaultMaxControlLineLength, maxPayload: Int? = nil) {
        self.maxControlLineLength = max(16, maxControlLineLength)
        self.maxPayload = maxPayload ?? Self.defaultMaxPayload
        self.followsServerMaxPayload = maxPayload == nil
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> NATSServerMessage? {
        guard let lineLength = try self.controlLineLength(buffer) else { return nil }
        let start = buffer.readerIndex
        guard let line = buffer.getSlice(at: start, length: lineLength) else { return nil }
        let lineBytes = Array(line.readableBytesView)
        let afterLine = lineLength + 2

        var tokens = Self.split(lineBytes[...])
        guard let opToken = tokens.first else {
            throw NATSProtocolError(.unknownOperation, reason: "empty control line")
        }
        tokens.removeFirst()
        let op = String(decoding: opToken.map(Self.asciiLowercased), as: UTF8.self)

        switch op {
        case "ping", "pong", "+ok":
            guard tokens.isEmpty else {
                throw NATSProtocolError(.invalidArguments, reason: "\(op.uppercased()) takes no arguments")
            }
            buffer.moveReaderIndex(forwardBy: afterLine)
            switch op {
            case "ping": return .ping
            case "pong": return .pong
            default: return .ok
            }

        case "-err":
            let rest = Self.rest(of: lineBytes, after: opToken)
            var text = String(decoding: rest, as: UTF8.self)
            if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
                text = String(text.dropFirst().dropLast())
            }
            buffer.moveReaderIndex(forwardBy: afterLine)
            return .error(text)

        case "info":
            let rest = Self.rest(of: lineBytes, after: opToken)
            let info: NATSServerInfo
            do {
                info = try JSONDecoder().decode(NATSServerInfo.self, from: Data(rest))
            } catch {
                throw NATSProtocolError(.invalidInfo, reason: "INFO JSON does not decode: \(error)")
            }
            if self.followsServerMaxPayload, info.maxPayload > 0 {
                self.maxPayload = info.maxPayload
            }
            buffer.moveReaderIndex(forwardBy: afterLine)
            return .info(info)

        case "msg":
            let subject: String
            let sid: UInt64
            let replyTo: String?
            let size: Int
            switch tokens.count {
            case 3:
                (subject, sid, replyTo, size) =
                    (Self.string(tokens[0]), try Self.sid(tokens[1]), nil, try Self.number(tokens[2]))
            case 4:
                (subject, sid, replyTo, size) =
                    (Self.string(tokens[0]), try Self.sid(tokens[1]), Self.string(tokens[2]), try Self.number(tokens[3]))
            default:
                throw NATSProtocolError(.invalidArguments, reason: "MSG needs 3 or 4 arguments, got \(tokens.count)")
            }
            guard size <= self.maxPayload else {
                throw NATSProtocolError(.payloadTooLarge, reason: "MSG payload \(size) exceeds \(self.maxPayload)")
            }
            guard let payload = try Self.payload(buffer, offset: afterLine, length: size) else { return nil }
            buffer.moveReaderIndex(forwardBy: afterLine + size + 2)
            return .msg(.init(subject: subject, sid: sid, replyTo: replyTo, payload: payload))

        case "hmsg":
            let subject: String
            let sid: UInt64
            let replyTo: String?
            let headerLength: Int
            let totalLength: Int
            switch tokens.count {
            case 4:
                (subject, sid, replyTo) = (Self.string(tokens[0]), try Self.sid(tokens[1]), nil)
                (headerLength, totalLength) = (try Self.number(tokens[2]), try Self.number(tokens[3]))
            case 5:
                (subject, sid, replyTo) = (Self.string(tokens[0]), try Self.sid(tokens[1]), Self.string(tokens[2]))
                (headerLength, totalLength) = (try Self.number(tokens[3]), try Self.number(tokens[4]))
            default:
                throw NATSProtocolError(.invalidArguments, reason: "HMSG needs 4 or 5 arguments, got \(tokens.count)")
            }
            guard headerLength <= totalLength else {
                throw NATSProtocolError(
                    .sizeMismatch, reason: "HMSG header length \(headerLength) exceeds total \(totalLength)")
            }
            guard totalLength <= self.maxPayload else {
                throw NATSProtocolError(.payloadTooLarge, reason: "HMSG total \(totalLength) exceeds \(self.maxPayload)")
            }
            guard var body = try Self.payload(buffer, offset: afterLine, length: totalLength) else { return nil }
            guard let headerBlock = body.readSlice(length: headerLength) else {
                throw NATSProtocolError(.sizeMismatch, reason: "HMSG header block shorter than declared")
            }
            let headers = try Self.parseHeaders(headerBlock)
            buffer.moveReaderIndex(forwardBy: afterLine + totalLength + 2)
            return .hmsg(.init(subject: subject, sid: sid, replyTo: replyTo, headers: headers, payload: body))

        default:
            throw NATSProtocolError(.unknownOperation, reason: "unknown operation (\(opToken.count) bytes)")
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NATSServerMessage? {
        try self.decode(buffer: &buffer)
    }

    // MARK: - Framing

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    /// The length of the first control line without its CRLF, or nil when no CRLF has arrived yet.
    private func controlLineLength(_ buffer: ByteBuffer) throws -> Int? {
        let view = buffer.readableBytesView
        let scanLimit = min(view.count, self.maxControlLineLength + 2)
        var offset = 0
        var index = view.startIndex
        while offset < scanLimit {
            if view[index] == Self.lf {
                guard offset > 0, view[view.index(before: index)] == Self.cr else {
                    throw NATSProtocolError(.missingCarriageReturn, reason: "control line ends with LF without CR")
                }
                let length = offset - 1
                guard length <= self.maxControlLineLength else {
                    throw NATSProtocolError(
                        .controlLineTooLong, reason: "control line of \(length) bytes exceeds \(self.maxControlLineLength)")
                }
                return length
            }
            offset += 1
            index = view.index(after: index)
        }
        if view.count >= self.maxControlLineLength + 2 {
            throw NATSProtocolError(
                .controlLineTooLong, reason: "no CRLF within \(self.maxControlLineLength) bytes")
        }
        return nil
    }

    /// The `length` bytes at `offset`, which must be followed by CRLF; nil when not all have arrived.
    private static func payload(_ buffer: ByteBuffer, offset: Int, length: Int) throws -> ByteBuffer? {
        let (needed, overflow) = offset.addingReportingOverflow(length + 2)
        guard !overflow, buffer.readableBytes >= needed else { return nil }
        let end = buffer.readerIndex + offset + length
        guard buffer.getInteger(at: end, as: UInt8.self) == cr,
            buffer.getInteger(at: end + 1, as: UInt8.self) == lf
        else {
            throw NATSProtocolError(.sizeMismatch, reason: "payload of declared size \(length) is not followed by CRLF")
        }
        return buffer.getSlice(at: buffer.readerIndex + offset, length: length)
    }

    // MARK: - Tokens

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    /// Splits on runs of spaces and tabs (2.9.10 sends two spaces where a reply is absent).
    private static func split(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(omittingEmptySubsequences: true, whereSeparator: isBlank)
    }

    /// The bytes after the op token and the blanks that follow it, with trailing blanks removed.
    private static func rest(of line: [UInt8], after op: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var rest = line[op.endIndex...].drop(while: isBlank)
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        return rest
    }

    private static func string(_ token: ArraySlice<UInt8>) -> String {
        String(decoding: token, as: UTF8.self)
    }

    private static func number(_ token: ArraySlice<UInt8>) throws -> Int {
        guard !token.isEmpty, token.count <= 18, token.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw NATSProtocolError(.invalidArguments, reason: "expected a size, got \(token.count) non-numeric bytes")
        }
        return token.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func sid(_ token: ArraySlice<UInt8>) throws -> UInt64 {
        UInt64(try number(token))
    }

    // MARK: - Headers

    /// Parses `NATS/1.0[ code[ text]]CRLF (Name: value CRLF)* CRLF`.
    static func parseHeaders(_ block: ByteBuffer) throws -> NATSHeaders {
        let bytes = Array(block.readableBytesView)
        guard bytes.count >= 4, bytes.suffix(4).elementsEqual([cr, lf, cr, lf]) else {
            throw NATSProtocolError(.invalidHeaders, reason: "header block does not end with an empty line")
        }
        // Lines, without the final empty one.
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var i = 0
        let end = bytes.count - 2
        while i < end {
            if bytes[i] == cr {
                guard i + 1 < bytes.count, bytes[i + 1] == lf else {
                    throw NATSProtocolError(.invalidHeaders, reason: "bare CR in header block")
                }
                lines.append(bytes[lineStart..<i])
                i += 2
                lineStart = i
            } else if bytes[i] == lf {
                throw NATSProtocolError(.invalidHeaders, reason: "bare LF in header block")
            } else {
                i += 1
            }
        }
        guard let first = lines.first else {
            throw NATSProtocolError(.invalidHeaders, reason: "header block has no version line")
        }
        let prefix = Array("NATS/1.0".utf8)
        guard first.starts(with: prefix) else {
            throw NATSProtocolError(.invalidHeaders, reason: "header block does not start with NATS/1.0")
        }
        var headers = NATSHeaders()
        let statusPart = first.dropFirst(prefix.count)
        if !statusPart.isEmpty {
            guard let firstByte = statusPart.first, isBlank(firstByte) else {
                throw NATSProtocolError(.invalidHeaders, reason: "malformed version line")
            }
            let trimmed = statusPart.drop(while: isBlank)
            let codeBytes = trimmed.prefix(while: { !isBlank($0) })
            if !codeBytes.isEmpty {
                guard codeBytes.count == 3, codeBytes.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    throw NATSProtocolError(.invalidHeaders, reason: "status code is not three digits")
                }
                let code = codeBytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                var text = trimmed[codeBytes.endIndex...].drop(while: isBlank)
                while let last = text.last, isBlank(last) { text = text.dropLast() }
                headers.status = .init(code: code, description: text.isEmpty ? nil : string(text))
            }
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw NATSProtocolError(.invalidHeaders, reason: "header line without a colon")
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, !name.contains(where: isBlank) else {
                throw NATSProtocolError(.invalidHeaders, reason: "empty or blank-containing header name")
            }
            var value = line[line.index(after: colon)...].drop(while: isBlank)
            while let last = value.last, isBlank(last) { value = value.dropLast() }
            headers.add(name: string(name), value: string(value))
        }
        return headers
    }
}
