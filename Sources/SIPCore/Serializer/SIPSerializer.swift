public import NIOCore

extension SIPRequest {
    /// Writes the request as wire bytes. Headers are written as stored (name spelling kept).
    public func serialize(into buffer: inout ByteBuffer) {
        writeWire(into: &buffer, headBytes: headBytes)
    }

    /// The bytes of the start line and header section: what `writeHead` writes, or one more (the URI's length
    /// counts the longest scheme prefix).
    var headBytes: Int {
        method.token.utf8.count + 1 + uri.textLength + 10 + SIPSerializer.headerSectionBytes(headers, body)
    }

    /// The start line and header section in one span; false, nothing written, when `capacity` was short.
    func writeHead(into buffer: inout ByteBuffer, capacity: Int) -> Bool {
        SIPSerializer.writeHead(capacity: capacity, into: &buffer) { out in
            out.write(method.token)
            out.write(" ")
            // Written in place, as `uri.description` spells it, without building that string first.
            uri.write(to: &out)
            out.write(" SIP/2.0\r\n")
            SIPSerializer.writeHeaderSection(headers, body, into: &out)
        }
    }

    /// The same bytes through one ByteBuffer write per part: the reference the one-span writer is tested against,
    /// and its fallback.
    func serializePiecewise(into buffer: inout ByteBuffer) {
        buffer.writeString(method.token)
        buffer.writeStaticString(" ")
        uri.write(to: &buffer)
        buffer.writeStaticString(" SIP/2.0\r\n")
        SIPSerializer.writeHeadersAndBody(headers, body, into: &buffer)
    }

    /// The request as a new buffer, of its exact size.
    public func serialized(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        wireBuffer(allocator: allocator)
    }
}

extension SIPResponse {
    /// Writes the response as wire bytes.
    public func serialize(into buffer: inout ByteBuffer) {
        writeWire(into: &buffer, headBytes: headBytes)
    }

    /// The bytes of the status line and header section (`writeHead` writes exactly these).
    var headBytes: Int {
        8 + SIPDecimalText.length(statusCode) + 1 + reasonPhrase.utf8.count + 2 + SIPSerializer.headerSectionBytes(headers, body)
    }

    /// The status line and header section in one span; false, nothing written, when `capacity` was short.
    func writeHead(into buffer: inout ByteBuffer, capacity: Int) -> Bool {
        SIPSerializer.writeHead(capacity: capacity, into: &buffer) { out in
            out.write("SIP/2.0 ")
            out.write(decimal: statusCode)
            out.write(" ")
            out.write(reasonPhrase)
            out.write("\r\n")
            SIPSerializer.writeHeaderSection(headers, body, into: &out)
        }
    }

    /// The same bytes through one ByteBuffer write per part (the reference and fallback, as for requests).
    func serializePiecewise(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("SIP/2.0 ")
        buffer.writeString(String(statusCode))
        buffer.writeStaticString(" ")
        buffer.writeString(reasonPhrase)
        buffer.writeStaticString("\r\n")
        SIPSerializer.writeHeadersAndBody(headers, body, into: &buffer)
    }

    /// The response as a new buffer, of its exact size.
    public func serialized(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        wireBuffer(allocator: allocator)
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

/// What a request and a response each provide for serialization; `writeWire` and `wireBuffer` are the one path both
/// take (the head in one span, the piecewise writes only when the counted size fell short, then the body).
protocol SIPWireMessage {
    var body: ByteBuffer { get }
    /// The size of the start line and header section that `writeHead` needs.
    var headBytes: Int { get }
    func writeHead(into buffer: inout ByteBuffer, capacity: Int) -> Bool
    func serializePiecewise(into buffer: inout ByteBuffer)
}

extension SIPRequest: SIPWireMessage {}
extension SIPResponse: SIPWireMessage {}

extension SIPWireMessage {
    func writeWire(into buffer: inout ByteBuffer, headBytes: Int) {
        guard writeHead(into: &buffer, capacity: headBytes) else { return serializePiecewise(into: &buffer) }
        var body = body
        buffer.writeBuffer(&body)
    }

    /// A new buffer of the message's exact size; the head's size is counted once, for the buffer and the writer.
    func wireBuffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        let head = headBytes
        var buffer = allocator.buffer(capacity: head + body.readableBytes)
        writeWire(into: &buffer, headBytes: head)
        return buffer
    }
}

enum SIPSerializer {
    /// Writes a message's start line and header section (everything before the body) in one span of `buffer`:
    /// each ByteBuffer write checks capacity and goes through the buffer's storage object, whose fields are checked
    /// for exclusivity at run time; a message was some forty of them. Returns false, having written nothing, when
    /// `capacity` was short (the caller then writes piece by piece).
    static func writeHead(capacity: Int, into buffer: inout ByteBuffer, _ body: (inout SIPUTF8Writer) -> Void) -> Bool {
        var fitted = false
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { raw in
            var writer = SIPUTF8Writer(storage: raw.bindMemory(to: UInt8.self))
            body(&writer)
            fitted = !writer.overflowed
            return fitted ? writer.count : 0
        }
        return fitted
    }

    /// The bytes `writeHeaderSection` writes: the header lines, a Content-Length line when there is none, the blank line.
    static func headerSectionBytes(_ headers: SIPHeaders, _ body: ByteBuffer) -> Int {
        var total = 2
        var hasContentLength = false
        for index in headers.fields.indices {
            total += headers.fields[index].name.utf8.count + headers.fields[index].value.utf8.count + 4
            if headers.fields[index].key == .contentLength { hasContentLength = true }
        }
        if !hasContentLength { total += 18 + SIPDecimalText.length(body.readableBytes) }
        return total
    }

    /// The header lines as stored, a Content-Length line when there is none (stream transports need one on every
    /// message, RFC 3261 §18.3), and the blank line.
    static func writeHeaderSection(_ headers: SIPHeaders, _ body: ByteBuffer, into out: inout SIPUTF8Writer) {
        var wroteContentLength = false
        headers.fields.withUnsafeBufferPointer { fields in
            for index in fields.indices {
                if fields[index].key == .contentLength { wroteContentLength = true }
                out.write(fields[index].name)
                out.write(": ")
                out.write(fields[index].value)
                out.write("\r\n")
            }
        }
        if !wroteContentLength {
            out.write("Content-Length: ")
            out.write(decimal: body.readableBytes)
            out.write("\r\n")
        }
        out.write("\r\n")
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
