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
        var out = CanonicalOutput(capacity: 1024)
        write(into: &out)
        return out.finish()
    }

    /// The canonical text of this value, without a trailing newline.
    public func canonicalString() -> String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }

    /// Appends the canonical UTF-8 bytes of this value to `out`.
    public func write(into out: inout [UInt8]) {
        // Moved in and out, so the bytes stay uniquely referenced and are not copied.
        var prefix: [UInt8] = []
        swap(&prefix, &out)
        var output = CanonicalOutput(prefix: consume prefix, capacity: 1024)
        write(into: &output)
        out = output.finish()
    }

    func write(into out: inout CanonicalOutput) {
        switch self {
        case .object(let fields):
            Self.writeObject(fields, into: &out, insertionPointOf: nil)
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
            out.writeString(value)
        case .integer(let value):
            out.writeInteger(value)
        case .bool(let value):
            out.writeLiteral(value ? "true" : "false")
        case .null:
            out.writeLiteral("null")
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
        var prefix: [UInt8] = []
        swap(&prefix, &out)
        var output = CanonicalOutput(prefix: consume prefix, capacity: 1024)
        let insertion = writeObject(fields, into: &output, insertionPointOf: key)
        out = output.finish()
        return insertion
    }

    @discardableResult
    static func writeObject(
        _ fields: [String: CanonicalJSON],
        into out: inout CanonicalOutput,
        insertionPointOf key: String?
    ) -> (offset: Int, afterMember: Bool) {
        out.append(UInt8(ascii: "{"))
        var insertion = (offset: out.count, afterMember: false)
        var first = true
        forEachSortedMember(fields) { memberKey, value in
            if !first {
                out.append(UInt8(ascii: ","))
            }
            first = false
            out.writeString(memberKey)
            out.append(UInt8(ascii: ":"))
            value.write(into: &out)
            if let key, precedesInUTF16Order(memberKey, key) {
                insertion = (out.count, true)
            }
        }
        out.append(UInt8(ascii: "}"))
        return insertion
    }

    /// Calls `body` with the members of `fields` in RFC 8785 order.
    ///
    /// What is sorted is each member's dictionary index with its key's first eight bytes packed into one number,
    /// on the stack: the numbers decide almost every comparison without opening two strings' UTF-8 views, and no
    /// array of keys and values is built, retained and moved (building and sorting such an array was about a
    /// quarter of the time of writing a CDR's rating and negotiation objects in a profile).
    static func forEachSortedMember(_ fields: [String: CanonicalJSON], _ body: (String, CanonicalJSON) -> Void) {
        typealias Entry = (prefix: UInt64?, index: [String: CanonicalJSON].Index)
        withUnsafeTemporaryAllocation(of: Entry.self, capacity: fields.count) { storage in
            var count = 0
            var index = fields.startIndex
            while index != fields.endIndex, count < storage.count {
                storage.initializeElement(at: count, to: (asciiPrefix(fields[index].key), index))
                count += 1
                index = fields.index(after: index)
            }
            var entries = UnsafeMutableBufferPointer(rebasing: storage[..<count])
            entries.sort { left, right in
                if let l = left.prefix, let r = right.prefix, l != r {
                    return l < r
                }
                return precedesInUTF16Order(fields[left.index].key, fields[right.index].key)
            }
            for entry in entries {
                let member = fields[entry.index]
                body(member.key, member.value)
            }
            entries.deinitialize()
        }
    }

    /// The first eight UTF-8 bytes of `key` big-endian in one number, zeros past its end; nil unless they are all
    /// ASCII. Two such numbers that differ order their keys as RFC 8785 does: at the first differing byte both
    /// bytes are ASCII (an exact decision, see `precedesByUTF8`), or one key has ended (a zero against a byte of
    /// the other, which then has the shorter key as its prefix). Equal numbers decide nothing.
    private static func asciiPrefix(_ key: String) -> UInt64? {
        let prefix: UInt64?? = key.utf8.withContiguousStorageIfAvailable { bytes in
            var packed: UInt64 = 0
            for index in 0..<8 {
                let byte = index < bytes.count ? bytes[index] : 0
                guard byte < 0x80 else { return nil }
                packed = packed << 8 | UInt64(byte)
            }
            return packed
        }
        return prefix ?? nil
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
    static func precedesByUTF8(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool? {
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
}
