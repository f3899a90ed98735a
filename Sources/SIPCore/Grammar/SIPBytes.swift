/// The UTF-8 bytes of a header value or URI, scanned as ASCII.
///
/// SIP's grammar is ASCII (RFC 3261 §25). Scanning bytes instead of `Character`s avoids grapheme
/// segmentation, which made URI and name-addr parsing the largest single cost of a call (issue 9
/// profile), and it is also the stricter reading: SP followed by a combining mark is one grapheme
/// but two bytes, and only the bytes are what the peer sent.
struct SIPBytes {
    let base: UnsafeBufferPointer<UInt8>

    init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    subscript(_ index: Int) -> UInt8 { base[index] }

    var all: Range<Int> { 0..<base.count }

    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if base[index] == byte { return index }
            index += 1
        }
        return nil
    }

    func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.upperBound
        while index > range.lowerBound {
            index -= 1
            if base[index] == byte { return index }
        }
        return nil
    }

    func contains(in range: Range<Int>, where predicate: (UInt8) -> Bool) -> Bool {
        for index in range where predicate(base[index]) { return true }
        return false
    }

    func allSatisfy(in range: Range<Int>, _ predicate: (UInt8) -> Bool) -> Bool {
        for index in range where !predicate(base[index]) { return false }
        return true
    }

    /// `range` without leading and trailing SP, HTAB, CR and LF.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, ASCIIByte.isWhitespace(base[lower]) { lower += 1 }
        while upper > lower, ASCIIByte.isWhitespace(base[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// `range` without leading SP and HTAB.
    func droppingBlanks(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        while lower < range.upperBound, ASCIIByte.isBlank(base[lower]) { lower += 1 }
        return lower..<range.upperBound
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self)
    }

    /// ASCII upper-case copy (non-ASCII bytes kept as they are).
    func uppercasedString(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, index) in range.enumerated() { buffer[offset] = ASCIIByte.upper(base[index]) }
            return range.count
        }
    }

    func hasPrefix(_ byte: UInt8, in range: Range<Int>) -> Bool {
        !range.isEmpty && base[range.lowerBound] == byte
    }

    /// Whether the bytes in `range` equal `ascii`, ignoring ASCII case.
    func equalsIgnoringCase(_ range: Range<Int>, _ ascii: StaticString) -> Bool {
        guard range.count == ascii.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount)
        for offset in 0..<range.count where ASCIIByte.lower(base[range.lowerBound + offset]) != ASCIIByte.lower(expected[offset]) {
            return false
        }
        return true
    }

    /// Whether the bytes in `range` are exactly `ascii`.
    func equals(_ range: Range<Int>, _ ascii: StaticString) -> Bool {
        guard range.count == ascii.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount)
        for offset in 0..<range.count where base[range.lowerBound + offset] != expected[offset] { return false }
        return true
    }

    /// Calls `body` with each index in `range` where `separator` stands outside double quotes (with `\\`
    /// escapes) and `<…>`, in order, until `body` returns false.
    func forEachSeparator(_ separator: UInt8, in range: Range<Int>, _ body: (Int) -> Bool) {
        var inQuotes = false
        var inAngle = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = base[index]
            if inQuotes {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == separator && !inAngle {
                if !body(index) { return }
            }
            index += 1
        }
    }

    /// The trimmed, non-empty parts of `range` between `separator`s outside quotes and `<…>`.
    func split(_ range: Range<Int>, on separator: UInt8) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        forEachPart(range, on: separator) { parts.append($0) }
        return parts
    }

    /// The trimmed, non-empty parts of `range` between `separator`s outside quotes and `<…>`, in order, without
    /// collecting them (parameter lists are parsed on every message).
    func forEachPart(_ range: Range<Int>, on separator: UInt8, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        forEachSeparator(separator, in: range) { cut in
            let part = trimmed(start..<cut)
            if !part.isEmpty { body(part) }
            start = cut + 1
            return true
        }
        let last = trimmed(start..<range.upperBound)
        if !last.isEmpty { body(last) }
    }

    /// The first trimmed, non-empty part of `range` before a `separator` outside quotes and `<…>`,
    /// without splitting the rest (the top Via of a long Via list).
    func firstPart(_ range: Range<Int>, on separator: UInt8) -> Range<Int>? {
        var found: Range<Int>?
        var start = range.lowerBound
        forEachSeparator(separator, in: range) { cut in
            let part = trimmed(start..<cut)
            if !part.isEmpty { found = part }
            start = cut + 1
            return found == nil
        }
        if let found { return found }
        let last = trimmed(start..<range.upperBound)
        return last.isEmpty ? nil : last
    }
}

/// Byte classes of RFC 3261 §25 used by the grammar.
enum ASCIIByte {
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    @inline(__always) static func upper(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte & ~0x20 : byte
    }
}

extension StringProtocol {
    /// Runs `body` over this text's UTF-8 bytes: in place for native strings, over a copy otherwise.
    func withSIPBytes<Result>(_ body: (SIPBytes) throws(SIPParseError) -> Result) throws(SIPParseError) -> Result {
        let direct: Swift.Result<Result, SIPParseError>? = utf8.withContiguousStorageIfAvailable { buffer in
            Swift.Result { () throws(SIPParseError) -> Result in try body(SIPBytes(buffer)) }
        }
        if let direct { return try direct.get() }
        let copy = Array(utf8)
        return try copy.withUnsafeBufferPointer { buffer in
            Swift.Result { () throws(SIPParseError) -> Result in try body(SIPBytes(buffer)) }
        }.get()
    }

    /// Non-throwing variant of `withSIPBytes`.
    func withSIPBytes<Result>(_ body: (SIPBytes) -> Result) -> Result {
        if let direct = utf8.withContiguousStorageIfAvailable({ body(SIPBytes($0)) }) { return direct }
        return Array(utf8).withUnsafeBufferPointer { body(SIPBytes($0)) }
    }
}
