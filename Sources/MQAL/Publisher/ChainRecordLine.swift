import Foundation

/// The fields of a chain line the publisher needs: who wrote it and where it sits in its chain.
struct ChainRecordLine: Sendable, Hashable {
    let node: String
    let kind: String
    let seq: UInt64
    /// The line without its `\n`.
    let bytes: [UInt8]

    /// Reads `node`, `kind` and `seq` from the line's top-level object.
    ///
    /// A single pass over the bytes (`TopLevelRecordFields`) finds them; a line it does not take (a byte outside
    /// ASCII, an escape in a key or in `node`/`kind`, a fraction or exponent, anything malformed) goes through
    /// `JSONSerialization`, which decides as before. Parsing every line with `JSONSerialization` cost about 170 µs per
    /// 2.6 KB CDR on a loaded machine and held the publisher to about 2,700 records/s before any network
    /// (docs/benchmarks.md, "Publishing to NATS JetStream").
    init(line: ArraySlice<UInt8>, path: String) throws(StreamError) {
        if let fields = TopLevelRecordFields(line) {
            self.node = fields.node
            self.kind = fields.kind
            self.seq = fields.seq
            self.bytes = Array(line)
            return
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let node = object["node"] as? String,
            let kind = object["kind"] as? String,
            let number = object["seq"] as? NSNumber,
            number.int64Value > 0
        else {
            throw StreamError(.chainUnreadable, reason: "\(path): a line is not a record with node, kind and seq")
        }
        self.node = node
        self.kind = kind
        self.seq = number.uint64Value
        self.bytes = Array(line)
    }

    /// The message this record becomes.
    var message: OutboundMessage {
        OutboundMessage(node: node, kind: kind, seq: seq, body: bytes)
    }
}

/// `node`, `kind` and `seq` of a JSON object line, read in one pass without building any value.
///
/// Checks the line's structure as it goes: one object, keys and string values closed, brackets matched, literals
/// and numbers well formed, string escapes valid, nothing after the object. Returns nil for anything it does not
/// take — a malformed line, but also a valid one with a byte outside ASCII (UTF-8 is left to the full parser), an
/// escape in a key or in `node`/`kind`, or a `seq` that is not a positive integer — so the caller can hand such a
/// line to a full parser.
struct TopLevelRecordFields {
    let node: String
    let kind: String
    let seq: UInt64

    init?(_ line: ArraySlice<UInt8>) {
        guard let fields = line.withUnsafeBufferPointer({ Self.scan($0) }) else { return nil }
        (node, kind, seq) = fields
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let maxDepth = 64

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, String, UInt64)? {
        var index = 0
        var node: String?
        var kind: String?
        var seq: UInt64?
        skipWhitespace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipWhitespace(bytes, &index)
        guard index < bytes.count, bytes[index] != UInt8(ascii: "}") else { return nil }
        while true {
            guard let key = plainString(bytes, &index) else { return nil }
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace(bytes, &index)
            if equals(bytes, key, "node") || equals(bytes, key, "kind") {
                guard let value = plainString(bytes, &index) else { return nil }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
                if equals(bytes, key, "node") { node = text } else { kind = text }
            } else if equals(bytes, key, "seq") {
                guard let value = positiveInteger(bytes, &index) else { return nil }
                seq = value
            } else {
                guard skipValue(bytes, &index) else { return nil }
            }
            skipWhitespace(bytes, &index)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace(bytes, &index)
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            break
        }
        skipWhitespace(bytes, &index)
        guard index == bytes.count, let node, let kind, let seq else { return nil }
        return (node, kind, seq)
    }

    private static func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return bytes[range].elementsEqual(expected)
    }

    // A string without escapes or control characters at `index`; its contents' range, `index` past its quote.
    private static func plainString(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Range<Int>? {
        guard index < bytes.count, bytes[index] == quote else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != quote {
            guard bytes[end] != backslash, (0x20..<0x80).contains(bytes[end]) else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return start..<end
    }

    // A string of ASCII at `index`, its escapes checked but not decoded; `index` past its closing quote.
    private static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        guard index < bytes.count, bytes[index] == quote else { return false }
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return true
            }
            guard (0x20..<0x80).contains(byte) else { return false }
            index += 1
            guard byte == backslash else { continue }
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 1
            case UInt8(ascii: "u"):
                guard index + 4 < bytes.count, bytes[index + 1...index + 4].allSatisfy({ $0.isHexDigit }) else { return false }
                index += 5
            default:
                return false
            }
        }
        return false
    }

    // `[1-9][0-9]{0,17}` not followed by a fraction or exponent (so it fits, and the full parser reads it alike).
    private static func positiveInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt64? {
        guard index < bytes.count, bytes[index] != UInt8(ascii: "0") else { return nil }
        let start = index
        var value: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]), index - start < 18 {
            value = value * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > start else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            return nil
        }
        return value
    }

    // One value of any kind at `index`, `index` past it. Nesting deeper than `maxDepth` is left to the full parser.
    private static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, depth: Int = 0) -> Bool {
        guard depth < maxDepth, index < bytes.count else { return false }
        switch bytes[index] {
        case quote:
            return skipString(bytes, &index)
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace(bytes, &index)
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                guard skipString(bytes, &index) else { return false }
                skipWhitespace(bytes, &index)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipWhitespace(bytes, &index)
                guard skipValue(bytes, &index, depth: depth + 1) else { return false }
                skipWhitespace(bytes, &index)
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                guard bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
                skipWhitespace(bytes, &index)
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace(bytes, &index)
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard skipValue(bytes, &index, depth: depth + 1) else { return false }
                skipWhitespace(bytes, &index)
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                guard bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
                skipWhitespace(bytes, &index)
            }
        default:
            return skipLiteral(bytes, &index)
        }
    }

    // `true`, `false`, `null`, or an integer `-?(0|[1-9][0-9]{0,17})`: records hold integers only (RFC 8785 subset),
    // so fractions, exponents and longer numbers are left to the full parser.
    private static func skipLiteral(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        for word: StaticString in ["true", "false", "null"] {
            let end = index + word.utf8CodeUnitCount
            if end <= bytes.count, equals(bytes, index..<end, word) {
                index = end
                return true
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        let digits = index - start
        guard digits > 0, digits <= 18, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
        guard index == bytes.count || ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) else { return false }
        return true
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
