public import NIOCore

/// Cuts a TCP byte stream into single-message frames using Content-Length (RFC 3261 §18.3).
/// Framing only: parsing each frame is separate, so a malformed message can still be answered
/// with 400 while the connection stays usable. Keepalive CRLFs between messages are skipped.
public struct SIPStreamFramer: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let limits: SIPParserLimits

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        // Skip keepalive CRLFs (RFC 5626 §3.5.1) before a message.
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
            buffer.moveReaderIndex(forwardBy: 1)
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let headEnd = Self.headerEnd(in: buffer, limit: limits.maxMessageBytes) else {
            if buffer.readableBytes > limits.maxMessageBytes {
                throw SIPParseError(.messageTooLarge, "no end of headers within \(limits.maxMessageBytes) bytes")
            }
            return nil
        }
        let contentLength = try Self.contentLength(in: buffer, headLength: headEnd)
        let total = headEnd + contentLength
        guard total <= limits.maxMessageBytes else {
            throw SIPParseError(.messageTooLarge, "message of \(total) bytes exceeds \(limits.maxMessageBytes)")
        }
        guard buffer.readableBytes >= total else { return nil }
        return buffer.readSlice(length: total)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }

    // Offset just past the blank line that ends the head, or nil when not yet seen.
    static func headerEnd(in buffer: ByteBuffer, limit: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            let end = min(bytes.count, limit)
            var index = 0
            while index < end {
                if bytes[index] == UInt8(ascii: "\n") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                    if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                        return index + 3
                    }
                }
                index += 1
            }
            return nil
        }
    }

    // Content-Length (or compact `l`) from the head; absent means 0 on a stream.
    static func contentLength(in buffer: ByteBuffer, headLength: Int) throws(SIPParseError) -> Int {
        guard let head = buffer.getString(at: buffer.readerIndex, length: headLength) else { return 0 }
        for rawLine in head.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSIPWhitespace().lowercased()
            guard name == "content-length" || name == "l" else { continue }
            let value = line[line.index(after: colon)...].trimmingSIPWhitespace()
            guard value.utf8.count <= 10, let length = Int(value), length >= 0 else {
                throw SIPParseError(.invalidContentLength, "Content-Length is not a non-negative integer")
            }
            return length
        }
        return 0
    }
}

extension Substring {
    func trimmingSIPWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
