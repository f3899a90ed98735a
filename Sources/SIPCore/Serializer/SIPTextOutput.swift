import NIOCore

/// Where the grammar types write their text: preallocated UTF-8 storage (`description`: one String of the
/// needed size, no appends), a `String`, or straight into the outgoing `ByteBuffer` (the request-URI of every
/// request sent), so no intermediate strings are built. One writer per type keeps every spelling identical by
/// construction.
protocol SIPTextOutput {
    mutating func write(_ text: String)
    mutating func write(decimal: Int)
}

extension SIPTextOutput {
    /// `host` or `host:port`, as URIs and Via sent-by spell them.
    mutating func write(host: String, port: Int?) {
        write(host)
        if let port {
            write(":")
            write(decimal: port)
        }
    }
}

extension String: SIPTextOutput {
    mutating func write(_ text: String) { append(text) }
    mutating func write(decimal: Int) { append(String(decimal)) }
}

extension ByteBuffer: SIPTextOutput {
    mutating func write(_ text: String) { writeString(text) }
    mutating func write(decimal: Int) {
        SIPDecimalText.withDigits(decimal) { digits in _ = writeBytes(digits) }
    }
}

/// Writes into the storage of a String being created. A write that would not fit marks the writer overflowed
/// and writes nothing more: the caller then builds the text the plain way (a size computed too small costs
/// speed, never memory safety or different text).
struct SIPUTF8Writer: SIPTextOutput {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    private(set) var overflowed = false

    init(storage: UnsafeMutableBufferPointer<UInt8>) {
        self.storage = storage
    }

    // Inlined: the serializer passes each header line's name and value straight from the list's buffer, and a
    // call the compiler cannot see into made it retain and release each string around the call.
    @inline(__always)
    mutating func write(_ text: String) {
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            append(UnsafeRawBufferPointer(utf8))
            return true
        }
        if copied == nil {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { append($0) }
        }
    }

    mutating func write(decimal: Int) {
        SIPDecimalText.withDigits(decimal) { digits in append(digits) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !overflowed, bytes.count <= storage.count - count else {
            overflowed = true
            return
        }
        guard let source = bytes.baseAddress, let destination = storage.baseAddress else { return }
        UnsafeMutableRawPointer(destination + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }
}

extension String {
    /// The text `body` writes, in one String of at most `capacity` bytes; nil when it did not fit.
    static func sipText(capacity: Int, _ body: (inout SIPUTF8Writer) -> Void) -> String? {
        var overflowed = false
        let text = String(unsafeUninitializedCapacity: Swift.max(capacity, 0)) { storage in
            var writer = SIPUTF8Writer(storage: storage)
            body(&writer)
            overflowed = writer.overflowed
            return overflowed ? 0 : writer.count
        }
        return overflowed ? nil : text
    }
}

/// Decimal digits of an Int as `String(value)` spells them, without creating that String.
enum SIPDecimalText {
    /// The number of bytes `String(value)` has.
    static func length(_ value: Int) -> Int {
        var magnitude = value.magnitude
        var count = value < 0 ? 2 : 1
        while magnitude >= 10 {
            magnitude /= 10
            count += 1
        }
        return count
    }

    static func withDigits<Result>(_ value: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var magnitude = value.magnitude
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[start...])))
        }
    }
}
