// Strings and integers as RFC 8785 writes them, straight into a CanonicalOutput.
extension CanonicalOutput {
    /// A JSON string of `value` (RFC 8785 section 3.2.2.2).
    @inline(__always)
    mutating func writeString(_ value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { writeString(utf8: $0) }
        if done == nil {
            Array(value.utf8).withUnsafeBufferPointer { writeString(utf8: $0) }
        }
    }

    /// A JSON string of the UTF-8 bytes `utf8`: quoted, with short escapes where JSON has them, `\u00xx`
    /// (lowercase) for other controls, everything else unchanged.
    mutating func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else {
            writeLiteral("\"\"")
            return
        }
        let count = bytes.count
        var clean = 0
        // The opening quote and the bytes up to the first that needs an escape, scanned and copied in the same pass
        // (eight at a time while a whole word is clean), then the closing quote if that was all: almost every
        // string of a record.
        write(room: count + 2) { out in
            out.pointee = UInt8(ascii: "\"")
            let target = UnsafeMutableRawPointer(out + 1)
            while count - clean >= 8 {
                let word = UnsafeRawPointer(source + clean).loadUnaligned(as: UInt64.self)
                if Self.wordNeedsEscape(word) {
                    break
                }
                target.storeBytes(of: word, toByteOffset: clean, as: UInt64.self)
                clean += 8
            }
            while clean < count, !Self.needsEscape(source[clean]) {
                out[1 + clean] = source[clean]
                clean += 1
            }
            guard clean == count else { return 1 + clean }
            out[1 + count] = UInt8(ascii: "\"")
            return count + 2
        }
        if clean < count {
            writeEscaping(UnsafeBufferPointer(rebasing: bytes[clean...]))
            append(UInt8(ascii: "\""))
        }
    }

    /// Plain decimal digits, with a `-` for negative values.
    mutating func writeInteger(_ value: Int64) {
        // At most 20 digits (UInt64.max) and a sign, written from the right into a stack scratch, two digits per
        // division (microsecond times have 16 digits), then copied once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            Self.digitPairs.withUTF8Buffer { pairs in
                while magnitude >= 10 {
                    let pair = Int(magnitude % 100)
                    magnitude /= 100
                    start -= 2
                    digits[start] = pairs[2 * pair]
                    digits[start + 1] = pairs[2 * pair + 1]
                }
            }
            if start == digits.count || magnitude > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
            }
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            append(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    // "00" to "99": a literal returned as it is, so reading it needs no lazily initialized global.
    private static var digitPairs: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    }

    // Copies runs of bytes that need no escape in one go; escapes the others. The rare path: a control, `"` or `\`.
    private mutating func writeEscaping(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard Self.needsEscape(byte) else { continue }
            append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            writeEscape(of: byte)
        }
        append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    private mutating func writeEscape(of byte: UInt8) {
        let short: UInt8? = switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x08: UInt8(ascii: "b")
        case 0x09: UInt8(ascii: "t")
        case 0x0A: UInt8(ascii: "n")
        case 0x0C: UInt8(ascii: "f")
        case 0x0D: UInt8(ascii: "r")
        default: nil
        }
        write(room: 6) { out in
            out[0] = UInt8(ascii: "\\")
            if let short {
                out[1] = short
                return 2
            }
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = LowercaseHex.digit(byte >> 4)
            out[5] = LowercaseHex.digit(byte & 0x0F)
            return 6
        }
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// How many bytes from the start need no escape: eight at a time while a whole word is clean, then byte by byte.
    static func escapeFreePrefixCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var index = 0
        while count - index >= 8 {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if wordNeedsEscape(word) {
                break
            }
            index += 8
        }
        while index < count, !needsEscape(base[index]) {
            index += 1
        }
        return index
    }

    // Whether any of the eight bytes is below 0x20, a `"` or a `\` (bit tricks that test every byte at once; each
    // is exact for "some byte", which is all this asks, so the byte order of the load does not matter).
    @inline(__always)
    static func wordNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // A byte below n (n <= 0x80) leaves its high bit set in (word - n * ones) & ~word.
        let controls = (word &- ones &* 0x20) & ~word & highBits
        // A zero byte of word ^ (c * ones) is a byte equal to c.
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let zeros = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highBits
        return controls | zeros != 0
    }
}

extension CanonicalOutput {
    /// `true`, `false`, `null`: ASCII written as it is.
    mutating func writeLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }
}
