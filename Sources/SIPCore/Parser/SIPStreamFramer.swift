public import NIOCore

/// Cuts a TCP byte stream into single-message frames using Content-Length (RFC 3261 §18.3).
/// Framing only: parsing each frame is separate, so a malformed message can still be answered
/// with 400 while the connection stays usable. Keepalive CRLFs between messages are skipped.
public struct SIPStreamFramer: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let limits: SIPParserLimits

    // Progress on the message at the reader index, so that a peer trickling one byte per
    // segment costs linear work, not a rescan of the whole head (or re-read of it) per read.
    private var scannedHeadBytes = 0
    private var pendingFrameLength: Int?

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        if pendingFrameLength == nil {
            // Skip keepalive CRLFs (RFC 5626 §3.5.1) before a message. Only possible while nothing
            // of the message has been scanned: a scanned head starts with a non-CRLF byte.
            while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                  byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                buffer.moveReaderIndex(forwardBy: 1)
            }
            guard buffer.readableBytes > 0 else { return nil }
            guard let headEnd = Self.headerEnd(in: buffer, from: scannedHeadBytes, limit: limits.maxMessageBytes) else {
                if buffer.readableBytes > limits.maxMessageBytes {
                    throw SIPParseError(.messageTooLarge, "no end of headers within \(limits.maxMessageBytes) bytes")
                }
                // A terminator may straddle the end: rescan the last two bytes next time.
                scannedHeadBytes = max(0, min(buffer.readableBytes, limits.maxMessageBytes) - 2)
                return nil
            }
            let contentLength = try Self.contentLength(in: buffer, headLength: headEnd)
            let total = headEnd + contentLength
            guard total <= limits.maxMessageBytes else {
                throw SIPParseError(.messageTooLarge, "message of \(total) bytes exceeds \(limits.maxMessageBytes)")
            }
            pendingFrameLength = total
        }
        guard let total = pendingFrameLength, buffer.readableBytes >= total else { return nil }
        pendingFrameLength = nil
        scannedHeadBytes = 0
        return buffer.readSlice(length: total)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }

    // Offset just past the blank line that ends the head, or nil when not yet seen.
    static func headerEnd(in buffer: ByteBuffer, from start: Int = 0, limit: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            let end = min(bytes.count, limit)
            var index = start
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

    // Content-Length (or compact `l`) from the head; absent means 0 on a stream. Reads the head
    // the way `SIPParser` does (bytes, folded continuation lines joined, first occurrence wins),
    // so the frame cut here is the message the parser will see.
    static func contentLength(in buffer: ByteBuffer, headLength: Int) throws(SIPParseError) -> Int {
        guard let head = buffer.getBytes(at: buffer.readerIndex, length: headLength) else { return 0 }
        var logicalLines: [[UInt8]] = []
        var isStartLine = true
        for rawLine in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if isStartLine {
                isStartLine = false
                continue
            }
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t"), !logicalLines.isEmpty {
                logicalLines[logicalLines.count - 1].append(UInt8(ascii: " "))
                logicalLines[logicalLines.count - 1].append(contentsOf: line)
            } else {
                logicalLines.append(Array(line))
            }
        }
        for line in logicalLines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            var nameEnd = colon
            while nameEnd > 0, isSpaceOrTab(line[nameEnd - 1]) { nameEnd -= 1 }
            let name = line[..<nameEnd].map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
            guard name.elementsEqual("content-length".utf8) || name.elementsEqual("l".utf8) else { continue }
            var value = line[(colon + 1)...]
            while let first = value.first, isSpaceOrTab(first) { value = value.dropFirst() }
            while let last = value.last, isSpaceOrTab(last) { value = value.dropLast() }
            guard let length = SIPDecimal.parseBytes(value, maxDigits: 10) else {
                throw SIPParseError(.invalidContentLength, "Content-Length is not a non-negative integer")
            }
            return length
        }
        return 0
    }

    private static func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
