public import NIOCore

extension SIPRequest {
    /// Writes the request as wire bytes. Headers are written as stored (name spelling kept).
    public func serialize(into buffer: inout ByteBuffer) {
        buffer.writeString(method.token)
        buffer.writeStaticString(" ")
        // Written in place, as `uri.description` spells it, without building that string first.
        uri.write(to: &buffer)
        buffer.writeStaticString(" SIP/2.0\r\n")
        SIPSerializer.writeHeadersAndBody(headers, body, into: &buffer)
    }

    /// The request as a new buffer.
    public func serialized(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 16 + method.token.utf8.count + uri.textLength + SIPSerializer.headerBytes(headers) + body.readableBytes)
        serialize(into: &buffer)
        return buffer
    }
}

extension SIPResponse {
    /// Writes the response as wire bytes.
    public func serialize(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("SIP/2.0 ")
        buffer.writeString(String(statusCode))
        buffer.writeStaticString(" ")
        buffer.writeString(reasonPhrase)
        buffer.writeStaticString("\r\n")
        SIPSerializer.writeHeadersAndBody(headers, body, into: &buffer)
    }

    /// The response as a new buffer.
    public func serialized(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64 + reasonPhrase.utf8.count + SIPSerializer.headerBytes(headers) + body.readableBytes)
        serialize(into: &buffer)
        return buffer
    }
}

extension SIPMessage {
    public func serialized(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        switch self {
        case .request(let request): request.serialized(allocator: allocator)
        case .response(let response): response.serialized(allocator: allocator)
        }
    }
}

enum SIPSerializer {
    // The exact size of the header lines, so a message is written into one allocation without regrowing
    // (an INVITE with SDP is well over a fixed first guess of 512 bytes).
    static func headerBytes(_ headers: SIPHeaders) -> Int {
        var total = 40  // the blank line and a Content-Length the serializer may add
        for field in headers.fields { total += field.name.utf8.count + field.value.utf8.count + 4 }
        return total
    }

    static func writeHeadersAndBody(_ headers: SIPHeaders, _ body: ByteBuffer, into buffer: inout ByteBuffer) {
        var wroteContentLength = false
        // All header lines in one reserved span: four `writeString`s a line each checked capacity and went through
        // the string's storage again (this was the largest self cost of serialization in perf).
        let lineBytes = headers.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: lineBytes) { out in
            var at = 0
            // Lines are read in place through the buffer pointer: `for field in fields` copied each line out of the
            // array, three retains and releases a line (name, key, value).
            headers.fields.withUnsafeBufferPointer { fields in
                for index in fields.indices {
                    if fields[index].key == .contentLength { wroteContentLength = true }
                    at = copy(fields[index].name, into: out, at: at)
                    out[at] = UInt8(ascii: ":")
                    out[at + 1] = UInt8(ascii: " ")
                    at = copy(fields[index].value, into: out, at: at + 2)
                    out[at] = UInt8(ascii: "\r")
                    out[at + 1] = UInt8(ascii: "\n")
                    at += 2
                }
            }
            return at
        }
        // Stream transports need Content-Length on every message (RFC 3261 §18.3).
        if !wroteContentLength {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(body.readableBytes))
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        var body = body
        buffer.writeBuffer(&body)
    }

    // Copies a string's UTF-8 into `out` at `offset` (which has room: the caller counted it); returns the end.
    private static func copy(_ text: String, into out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        // Read through the borrowed string's own storage: `var text = text; text.withUTF8` retained a copy first.
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 -> Int in
            guard let source = utf8.baseAddress, let destination = out.baseAddress, !utf8.isEmpty else { return offset }
            (destination + offset).copyMemory(from: source, byteCount: utf8.count)
            return offset + utf8.count
        }
        if let copied { return copied }
        var at = offset  // A string without contiguous UTF-8 (bridged); not on Linux.
        for byte in text.utf8 {
            out[at] = byte
            at += 1
        }
        return at
    }
}
