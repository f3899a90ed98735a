/// Checks that one line is a canonical JSON object without building any value, and finds the
/// top-level chain fields; the verifier's fast path.
///
/// It accepts exactly the texts that `CanonicalJSONParser.parseCanonical` accepts with an object
/// at the top (the tests compare the two on generated and mutated lines). When it refuses a line,
/// the verifier runs the full parser on it to report the precise error.
struct CanonicalLineScanner {
    /// Where the chain fields sit in the line: ranges of the raw values (strings with their quotes).
    struct Fields {
        var node: Range<Int>?
        var kind: Range<Int>?
        var seq: Range<Int>?
        var prevHash: Range<Int>?
        var hash: Range<Int>?
        /// The bytes to remove to get the canonical form without `hash`: the member and one adjacent comma.
        var hashRemoval: Range<Int>?
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    private var fields = Fields()

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The chain fields of `line` when it is a canonical JSON object, nil when it is not.
    static func scan(_ line: UnsafeBufferPointer<UInt8>, maxDepth: Int = CanonicalJSONParser.defaultMaxDepth) -> Fields? {
        var scanner = CanonicalLineScanner(bytes: line, maxDepth: maxDepth)
        guard line.count > 0, line[0] == UInt8(ascii: "{"), scanner.scanObject(depth: 1, topLevel: true), scanner.index == line.count else {
            return nil
        }
        return scanner.fields
    }

    private mutating func scanValue(depth: Int) -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return scanObject(depth: depth + 1, topLevel: false)
        case UInt8(ascii: "["):
            return scanArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return scanString() != nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanInteger()
        case UInt8(ascii: "t"):
            return scanLiteral("true")
        case UInt8(ascii: "f"):
            return scanLiteral("false")
        case UInt8(ascii: "n"):
            return scanLiteral("null")
        default:
            return false
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let expected = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            return false
        }
        index += count
        return true
    }

    private mutating func scanObject(depth: Int, topLevel: Bool) -> Bool {
        guard depth <= maxDepth else { return false }
        index += 1
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var previousKey: Range<Int>?
        var previousSimple = true
        var memberIndex = 0
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
            let keyStart = index
            guard let simple = scanString() else { return false }
            let key = keyStart..<index
            if let previousKey, !Self.precedes(previousKey, previousSimple, key, simple, in: bytes) {
                return false
            }
            previousKey = key
            previousSimple = simple
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            let valueStart = index
            guard scanValue(depth: depth) else { return false }
            if topLevel {
                record(key: key, value: valueStart..<index, memberIndex: memberIndex)
            }
            memberIndex += 1
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                return true
            default:
                return false
            }
        }
    }

    private static let nodeKey: [UInt8] = Array("\"node\"".utf8)
    private static let kindKey: [UInt8] = Array("\"kind\"".utf8)
    private static let seqKey: [UInt8] = Array("\"seq\"".utf8)
    private static let prevHashKey: [UInt8] = Array("\"prev_hash\"".utf8)
    private static let hashKey: [UInt8] = Array("\"hash\"".utf8)

    private mutating func record(key: Range<Int>, value: Range<Int>, memberIndex: Int) {
        // Canonical keys escape only control characters, so these names can appear only literally.
        switch key.count {
        case 5:
            if matches(key, Self.seqKey) { fields.seq = value }
        case 6:
            if matches(key, Self.nodeKey) {
                fields.node = value
            } else if matches(key, Self.kindKey) {
                fields.kind = value
            } else if matches(key, Self.hashKey) {
                fields.hash = value
                if memberIndex > 0 {
                    // The preceding comma goes with it.
                    fields.hashRemoval = (key.lowerBound - 1)..<value.upperBound
                } else if value.upperBound < bytes.count, bytes[value.upperBound] == UInt8(ascii: ",") {
                    // First member: the following comma goes with it.
                    fields.hashRemoval = key.lowerBound..<(value.upperBound + 1)
                } else {
                    fields.hashRemoval = key.lowerBound..<value.upperBound
                }
            }
        case 11:
            if matches(key, Self.prevHashKey) { fields.prevHash = value }
        default:
            break
        }
    }

    private func matches(_ range: Range<Int>, _ name: [UInt8]) -> Bool {
        var offset = 0
        for position in range {
            guard bytes[position] == name[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Whether key `a` sorts strictly before key `b` in UTF-16 code unit order (both ranges with quotes).
    private static func precedes(_ a: Range<Int>, _ aSimple: Bool, _ b: Range<Int>, _ bSimple: Bool, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if aSimple, bSimple {
            // ASCII without escapes: the bytes are the UTF-16 code units.
            let aInner = UnsafeBufferPointer(rebasing: bytes[(a.lowerBound + 1)..<(a.upperBound - 1)])
            let bInner = UnsafeBufferPointer(rebasing: bytes[(b.lowerBound + 1)..<(b.upperBound - 1)])
            return aInner.lexicographicallyPrecedes(bInner)
        }
        guard let aString = decodeKey(a, in: bytes), let bString = decodeKey(b, in: bytes) else { return false }
        return aString.utf16.lexicographicallyPrecedes(bString.utf16)
    }

    private static func decodeKey(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var reader = CanonicalJSONParser.Reader(bytes: bytes, maxDepth: 1)
        reader.index = range.lowerBound
        return try? reader.parseString()
    }

    private mutating func scanArray(depth: Int) -> Bool {
        guard depth <= maxDepth else { return false }
        index += 1
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            guard scanValue(depth: depth), index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return true
            default:
                return false
            }
        }
    }

    /// Scans a canonical string from its opening quote; returns whether it is plain ASCII without escapes, nil when not canonical.
    private mutating func scanString() -> Bool? {
        index += 1
        var simple = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return simple
            }
            if byte == UInt8(ascii: "\\") {
                simple = false
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    // Canonical `\u` escapes are `\u00xx` (lower-case) for controls without a short escape.
                    guard index + 5 < bytes.count, bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0") else { return nil }
                    let high = bytes[index + 4]
                    let low = bytes[index + 5]
                    guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1") else { return nil }
                    let lowValue: UInt8
                    switch low {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): lowValue = low &- UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low &- UInt8(ascii: "a") &+ 10
                    default: return nil
                    }
                    let value = (high &- UInt8(ascii: "0")) << 4 | lowValue
                    switch value {
                    case 0x08, 0x09, 0x0A, 0x0C, 0x0D:
                        return nil
                    default:
                        index += 6
                    }
                default:
                    return nil
                }
            } else if byte < 0x20 {
                return nil
            } else if byte < 0x80 {
                index += 1
            } else {
                simple = false
                guard let length = JSONUTF8.sequenceLength(at: index, in: bytes) else { return nil }
                index += length
            }
        }
        return nil
    }

    private mutating func scanInteger() -> Bool {
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count else { return false }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            // "-0" re-serializes as "0"; "01" is not JSON.
            index += 1
            if negative { return false }
        } else if first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") {
            var magnitude: UInt64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
                guard !o1, !o2 else { return false }
                magnitude = sum
                index += 1
            }
            guard magnitude <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) else { return false }
        } else {
            return false
        }
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                return false
            default:
                break
            }
        }
        return true
    }
}
