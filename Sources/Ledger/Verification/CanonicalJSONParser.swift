public import Records

/// A strict parser of one JSON text into `CanonicalJSON`: integers only, size and depth limits,
/// typed errors with byte offsets; `parseCanonical` also requires the canonical (JCS) form.
public struct CanonicalJSONParser: Sendable {
    /// The default limit on the text length: 1 MiB, far above any record.
    public static let defaultMaxBytes = 1 << 20
    /// The default limit on object/array nesting.
    public static let defaultMaxDepth = 32

    /// Texts longer than this many bytes are refused.
    public let maxBytes: Int
    /// Objects and arrays nested deeper than this are refused (the top-level value is depth 1).
    public let maxDepth: Int

    /// A parser with the given limits.
    public init(maxBytes: Int = Self.defaultMaxBytes, maxDepth: Int = Self.defaultMaxDepth) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON value (JSON whitespace around tokens allowed) from `bytes`.
    public func parse(_ bytes: some Collection<UInt8>) throws(CanonicalJSONParseError) -> CanonicalJSON {
        let array = Array(bytes)
        guard array.count <= maxBytes else {
            throw CanonicalJSONParseError(.sizeLimitExceeded, offset: maxBytes, "text longer than \(maxBytes) bytes")
        }
        let maxDepth = self.maxDepth
        return try array.withUnsafeBufferPointer { (buffer) throws(CanonicalJSONParseError) -> CanonicalJSON in
            var reader = Reader(bytes: buffer, maxDepth: maxDepth)
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            guard reader.index == buffer.count else {
                throw CanonicalJSONParseError(.trailingBytes, offset: reader.index, "bytes after the JSON value")
            }
            return value
        }
    }

    /// Parses `bytes` and requires them to be canonical: re-serializing the value gives the identical bytes.
    public func parseCanonical(_ bytes: some Collection<UInt8>) throws(CanonicalJSONParseError) -> CanonicalJSON {
        let array = Array(bytes)
        let value = try parse(array)
        if let mismatch = Self.canonicalMismatch(of: value, text: array) {
            throw mismatch
        }
        return value
    }

    /// The `notCanonical` error at the first byte where `text` differs from the canonical form of `value`, nil when they are equal.
    static func canonicalMismatch(of value: CanonicalJSON, text: [UInt8]) -> CanonicalJSONParseError? {
        let canonical = value.canonicalBytes()
        guard canonical != text else { return nil }
        let common = min(canonical.count, text.count)
        var offset = 0
        while offset < common, canonical[offset] == text[offset] {
            offset += 1
        }
        return CanonicalJSONParseError(.notCanonical, offset: offset, describeDifference(canonical: canonical, actual: text, at: offset))
    }

    private static func describeDifference(canonical: [UInt8], actual: [UInt8], at offset: Int) -> String {
        func show(_ bytes: [UInt8]) -> String {
            guard offset < bytes.count else { return "the end" }
            let byte = bytes[offset]
            if byte >= 0x20, byte < 0x7F {
                return "\"\(Character(Unicode.Scalar(byte)))\""
            }
            return "byte 0x" + String(byte, radix: 16)
        }
        return "canonical form has \(show(canonical)) where the text has \(show(actual))"
    }
}

extension CanonicalJSONParser {
    /// The recursive-descent reader over one buffer.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D:
                    index += 1
                default:
                    return
                }
            }
        }

        func endError() -> CanonicalJSONParseError {
            CanonicalJSONParseError(.unexpectedEnd, offset: index, "the text ends inside a value")
        }

        func unexpected(_ expectation: String) -> CanonicalJSONParseError {
            guard index < bytes.count else { return endError() }
            let byte = bytes[index]
            let shown = byte >= 0x20 && byte < 0x7F ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x" + String(byte, radix: 16)
            return CanonicalJSONParseError(.unexpectedByte, offset: index, "\(shown) where \(expectation) was expected")
        }

        mutating func parseValue(depth: Int) throws(CanonicalJSONParseError) -> CanonicalJSON {
            guard index < bytes.count else { throw endError() }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .integer(try parseInteger())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            default:
                throw unexpected("a value")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(CanonicalJSONParseError) {
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            for byte in expected {
                guard index < bytes.count else { throw endError() }
                guard bytes[index] == byte else { throw unexpected("\"\(literal)\"") }
                index += 1
            }
        }

        mutating func parseObject(depth: Int) throws(CanonicalJSONParseError) -> CanonicalJSON {
            guard depth <= maxDepth else {
                throw CanonicalJSONParseError(.depthLimitExceeded, offset: index, "nesting deeper than \(maxDepth)")
            }
            index += 1
            var fields: [String: CanonicalJSON] = [:]
            skipWhitespace()
            guard index < bytes.count else { throw endError() }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(fields)
            }
            while true {
                guard index < bytes.count else { throw endError() }
                guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected("a key string") }
                let keyOffset = index
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count else { throw endError() }
                guard bytes[index] == UInt8(ascii: ":") else { throw unexpected("\":\"") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                guard fields.updateValue(value, forKey: key) == nil else {
                    throw CanonicalJSONParseError(.duplicateKey, offset: keyOffset, "the key \"\(key)\" appears twice")
                }
                skipWhitespace()
                guard index < bytes.count else { throw endError() }
                switch bytes[index] {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(fields)
                default:
                    throw unexpected("\",\" or \"}\"")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(CanonicalJSONParseError) -> CanonicalJSON {
            guard depth <= maxDepth else {
                throw CanonicalJSONParseError(.depthLimitExceeded, offset: index, "nesting deeper than \(maxDepth)")
            }
            index += 1
            var elements: [CanonicalJSON] = []
            skipWhitespace()
            guard index < bytes.count else { throw endError() }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw endError() }
                switch bytes[index] {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                default:
                    throw unexpected("\",\" or \"]\"")
                }
            }
        }

        /// Parses a string starting at its opening quote; returns the decoded value.
        mutating func parseString() throws(CanonicalJSONParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes, so the value is the raw bytes once they are valid UTF-8.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    if let bad = JSONUTF8.firstInvalidByte(in: raw) {
                        throw CanonicalJSONParseError(.invalidUTF8, offset: start + bad, "string bytes are not valid UTF-8")
                    }
                    index += 1
                    return String(decoding: raw, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    break
                }
                if byte < 0x20 {
                    throw CanonicalJSONParseError(.controlCharacterInString, offset: index, "raw control character 0x\(String(byte, radix: 16)) in a string")
                }
                index += 1
            }
            guard index < bytes.count else { throw endError() }
            return try parseEscapedString(start: start)
        }

        private mutating func parseEscapedString(start: Int) throws(CanonicalJSONParseError) -> String {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(index - start + 16)
            var runStart = start
            func flushRun(_ end: Int) throws(CanonicalJSONParseError) {
                let raw = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
                if let bad = JSONUTF8.firstInvalidByte(in: raw) {
                    throw CanonicalJSONParseError(.invalidUTF8, offset: runStart + bad, "string bytes are not valid UTF-8")
                }
                decoded.append(contentsOf: raw)
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    try flushRun(index)
                    index += 1
                    return String(decoding: decoded, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try flushRun(index)
                    try appendEscape(into: &decoded)
                    runStart = index
                case 0x00..<0x20:
                    throw CanonicalJSONParseError(.controlCharacterInString, offset: index, "raw control character 0x\(String(byte, radix: 16)) in a string")
                default:
                    index += 1
                }
            }
            throw endError()
        }

        /// Decodes the escape at `index` (a backslash) and moves past it.
        private mutating func appendEscape(into decoded: inout [UInt8]) throws(CanonicalJSONParseError) {
            let escapeOffset = index
            index += 1
            guard index < bytes.count else { throw endError() }
            let letter = bytes[index]
            index += 1
            switch letter {
            case UInt8(ascii: "\""): decoded.append(0x22)
            case UInt8(ascii: "\\"): decoded.append(0x5C)
            case UInt8(ascii: "/"): decoded.append(0x2F)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                let first = try readHex4(escapeOffset: escapeOffset)
                var scalarValue = UInt32(first)
                if (0xD800...0xDBFF).contains(first) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw CanonicalJSONParseError(.invalidEscape, offset: escapeOffset, "a high surrogate \\u\(String(first, radix: 16)) without its low surrogate")
                    }
                    let lowOffset = index
                    index += 2
                    let second = try readHex4(escapeOffset: lowOffset)
                    guard (0xDC00...0xDFFF).contains(second) else {
                        throw CanonicalJSONParseError(.invalidEscape, offset: lowOffset, "a high surrogate followed by \\u\(String(second, radix: 16)), not a low surrogate")
                    }
                    scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(first) {
                    throw CanonicalJSONParseError(.invalidEscape, offset: escapeOffset, "a lone low surrogate \\u\(String(first, radix: 16))")
                }
                // Surrogates are handled above, so every remaining value is a Unicode scalar.
                guard let scalar = Unicode.Scalar(scalarValue) else {
                    throw CanonicalJSONParseError(.invalidEscape, offset: escapeOffset, "\\u escape is not a Unicode scalar")
                }
                UTF8.encode(scalar) { decoded.append($0) }
            default:
                throw CanonicalJSONParseError(.invalidEscape, offset: escapeOffset, "unknown escape \\\(Character(Unicode.Scalar(letter)))")
            }
        }

        private mutating func readHex4(escapeOffset: Int) throws(CanonicalJSONParseError) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { throw endError() }
                guard let nibble = JSONUTF8.hexValue(bytes[index]) else {
                    throw CanonicalJSONParseError(.invalidEscape, offset: escapeOffset, "\\u needs four hex digits")
                }
                value = value << 4 | UInt16(nibble)
                index += 1
            }
            return value
        }

        mutating func parseInteger() throws(CanonicalJSONParseError) -> Int64 {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < bytes.count else { throw endError() }
            guard bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
                throw CanonicalJSONParseError(.invalidNumber, offset: start, "a minus sign without digits")
            }
            let digitsStart = index
            var magnitude: UInt64 = 0
            var overflow = false
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = sum
                index += 1
            }
            if bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 {
                throw CanonicalJSONParseError(.invalidNumber, offset: digitsStart, "a number with a leading zero")
            }
            if index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    throw CanonicalJSONParseError(.fractionNotAllowed, offset: index, "a fraction or exponent: records hold integers only")
                default:
                    break
                }
            }
            let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
            guard !overflow, magnitude <= limit else {
                throw CanonicalJSONParseError(.integerOutOfRange, offset: start, "an integer outside the 64-bit range")
            }
            if negative {
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            }
            return Int64(magnitude)
        }
    }
}

/// UTF-8 validation and hex digits shared by the parser and the line scanner.
enum JSONUTF8 {
    /// The offset of the first byte that breaks well-formed UTF-8 (RFC 3629), or nil.
    static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(at: index, in: bytes) else { return index }
            index += length
        }
        return nil
    }

    /// The length of the well-formed multi-byte UTF-8 sequence starting at `index`, or nil.
    @inline(__always)
    static func sequenceLength(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let lead = bytes[index]
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            // 0xED 0xA0... would encode a UTF-16 surrogate.
            length = 3
            secondHigh = 0x9F
        case 0xF0:
            length = 4
            secondLow = 0x90
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            secondHigh = 0x8F
        default:
            return nil
        }
        guard index + length <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= secondLow, second <= secondHigh else { return nil }
        var position = index + 2
        while position < index + length {
            guard bytes[position] & 0xC0 == 0x80 else { return nil }
            position += 1
        }
        return length
    }

    /// The value of one hex digit (either case), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
