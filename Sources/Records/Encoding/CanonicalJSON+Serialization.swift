// Serialization follows RFC 8785 (JCS) for the subset CanonicalJSON can hold:
// object keys sorted by UTF-16 code units, no whitespace, JSON.stringify string escaping,
// integers as plain decimal digits.
//
// The writer works on UTF-8 bytes throughout: strings are copied in runs between the bytes that need an escape,
// integers are formatted into a stack buffer, and object members are sorted once as (key, value) pairs with a
// byte-wise comparison that falls back to UTF-16 code units only where the two orders can differ.
extension CanonicalJSON {
    /// The canonical UTF-8 bytes of this value, without a trailing newline.
    public func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out)
        return out
    }

    /// The canonical text of this value, without a trailing newline.
    public func canonicalString() -> String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }

    /// Appends the canonical UTF-8 bytes of this value to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .object(let fields):
            Self.writeObject(fields, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first {
                    out.append(UInt8(ascii: ","))
                }
                first = false
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let value):
            Self.writeString(value, into: &out)
        case .integer(let value):
            Self.writeInteger(value, into: &out)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        }
    }

    /// Appends the canonical bytes of the object `fields` to `out` and returns the offset in `out` where a member
    /// named `key` would go if it were added: after the last member whose key sorts before `key` (`afterMember`
    /// true; the member is then written with a leading comma) or, when none does (or `key` is nil), right after
    /// the `{`. `fields` must not contain `key`. The ledger writes a record once this way and inserts its `hash`.
    @discardableResult
    public static func writeObject(
        _ fields: [String: CanonicalJSON],
        into out: inout [UInt8],
        insertionPointOf key: String? = nil
    ) -> (offset: Int, afterMember: Bool) {
        out.append(UInt8(ascii: "{"))
        var insertion = (offset: out.count, afterMember: false)
        var first = true
        for member in sortedMembers(fields) {
            if !first {
                out.append(UInt8(ascii: ","))
            }
            first = false
            writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(into: &out)
            if let key, precedesInUTF16Order(member.key, key) {
                insertion = (out.count, true)
            }
        }
        out.append(UInt8(ascii: "}"))
        return insertion
    }

    /// The members in RFC 8785 order, each key with its value (no second lookup per key).
    static func sortedMembers(_ fields: [String: CanonicalJSON]) -> [(key: String, value: CanonicalJSON)] {
        fields.sorted { precedesInUTF16Order($0.key, $1.key) }
    }

    /// RFC 8785 section 3.2.3: keys compare as arrays of UTF-16 code units.
    static func precedesInUTF16Order(_ lhs: String, _ rhs: String) -> Bool {
        let byteOrder: Bool?? = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                precedesByUTF8(left, right)
            } ?? nil
        }
        if let decided = byteOrder ?? nil {
            return decided
        }
        return lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
    }

    /// The order from the UTF-8 bytes where it is the UTF-16 order; nil where it may not be.
    ///
    /// Up to the first differing byte both strings hold the same scalars, so that byte starts a scalar in both
    /// (or continues the same scalar). UTF-8 byte order is code point order, which is UTF-16 code unit order
    /// except between U+E000...U+FFFF and the supplementary planes (surrogates sort below U+E000). So an ASCII
    /// byte on either side decides exactly (an ASCII scalar sorts below every other first code unit); anything
    /// else is left to the UTF-16 comparison.
    private static func precedesByUTF8(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool? {
        let common = Swift.min(left.count, right.count)
        var index = 0
        while index < common {
            let l = left[index]
            let r = right[index]
            if l != r {
                guard l < 0x80 || r < 0x80 else { return nil }
                return l < r
            }
            index += 1
        }
        return left.count < right.count
    }

    /// Plain decimal digits, with a `-` for negative values.
    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        // 20 digits hold UInt64.max; written from the right.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// RFC 8785 section 3.2.2.2: short escapes where JSON has them, `\u00xx` (lowercase) for
    /// other controls, everything else as UTF-8 unchanged.
    static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            writeEscaped(bytes, into: &out)
        }
        if done == nil {
            Array(value.utf8).withUnsafeBufferPointer { writeEscaped($0, into: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one go; escapes the others.
    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            runStart = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(byte)
            case 0x08:
                out.append(UInt8(ascii: "b"))
            case 0x09:
                out.append(UInt8(ascii: "t"))
            case 0x0A:
                out.append(UInt8(ascii: "n"))
            case 0x0C:
                out.append(UInt8(ascii: "f"))
            case 0x0D:
                out.append(UInt8(ascii: "r"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        if runStart < bytes.count {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }
}
