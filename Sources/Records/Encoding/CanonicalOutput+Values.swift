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
        writeString(utf8: bytes, after: 0) { _ in 0 }
    }

    /// A member `,"key":"value"` (no comma when `comma` is false) of a key needing no escape and a string value, in
    /// one reservation of room: one capacity check instead of one for the key and one for the value (most members
    /// of a record are strings).
    @inline(__always)
    mutating func writeMember(plainKey key: UnsafeBufferPointer<UInt8>, comma: Bool, string value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            writeString(utf8: bytes, after: key.count + 4) { out in Self.putKey(key, comma: comma, at: out) }
        }
        if done == nil {
            write(room: key.count + 4) { out in Self.putKey(key, comma: comma, at: out) }
            writeString(value)
        }
    }

    /// `,"key":` (or `"key":` without the comma) of a key needing no escape, at `out`; returns the bytes written.
    @inline(__always)
    static func putKey(_ key: UnsafeBufferPointer<UInt8>, comma: Bool, at out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let source = key.baseAddress else {
            return 0
        }
        let count = key.count
        var index = 0
        if comma {
            out[0] = UInt8(ascii: ",")
            index = 1
        }
        out[index] = UInt8(ascii: "\"")
        copyShort(source, to: out + index + 1, count: count)
        out[index + 1 + count] = UInt8(ascii: "\"")
        out[index + 2 + count] = UInt8(ascii: ":")
        return index + 3 + count
    }

    // The string of `bytes`, after what `prefix` writes (at most `prefixRoom` bytes) in the same reservation.
    @inline(__always)
    private mutating func writeString(
        utf8 bytes: UnsafeBufferPointer<UInt8>, after prefixRoom: Int, _ prefix: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        let source = bytes.baseAddress
        let count = bytes.count
        var clean = 0
        // The opening quote and the bytes up to the first that needs an escape, scanned and copied in the same pass
        // (eight at a time while a whole word is clean), then the closing quote if that was all: almost every
        // string of a record.
        write(room: prefixRoom + count + 2) { start in
            let out = start + prefix(start)
            out.pointee = UInt8(ascii: "\"")
            guard let source else {
                out[1] = UInt8(ascii: "\"")
                return out + 2 - start
            }
            let target = UnsafeMutableRawPointer(out + 1)
            while count - clean >= 8 {
                let word = UnsafeRawPointer(source + clean).loadUnaligned(as: UInt64.self)
                if Self.wordNeedsEscape(word) {
                    break
                }
                target.storeBytes(of: word, toByteOffset: clean, as: UInt64.self)
                clean += 8
            }
            // Fewer than eight bytes left after clean words: the last eight (or for a short string its first and
            // last four), checked and stored whole even where they overlap what is done, instead of byte by byte.
            // Not after a word that needs an escape: the bytes before the last eight would be left unwritten.
            if clean < count, count - clean < 8 {
                if count >= 8 {
                    let last = UnsafeRawPointer(source + count - 8).loadUnaligned(as: UInt64.self)
                    if !Self.wordNeedsEscape(last) {
                        target.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
                        clean = count
                    }
                } else if count >= 4 {
                    let first = UnsafeRawPointer(source).loadUnaligned(as: UInt32.self)
                    let last = UnsafeRawPointer(source + count - 4).loadUnaligned(as: UInt32.self)
                    if !Self.wordNeedsEscape(first), !Self.wordNeedsEscape(last) {
                        target.storeBytes(of: first, as: UInt32.self)
                        target.storeBytes(of: last, toByteOffset: count - 4, as: UInt32.self)
                        clean = count
                    }
                }
            }
            while clean < count, !Self.needsEscape(source[clean]) {
                out[1 + clean] = source[clean]
                clean += 1
            }
            guard clean == count else { return out + 1 + clean - start }
            out[1 + count] = UInt8(ascii: "\"")
            return out + count + 2 - start
        }
        if clean < count {
            writeEscaping(UnsafeBufferPointer(rebasing: bytes[clean...]))
            append(UInt8(ascii: "\""))
        }
    }

    /// Plain decimal digits, with a `-` for negative values.
    mutating func writeInteger(_ value: Int64) {
        write(room: Self.maxIntegerCount) { out in Self.putInteger(value, at: out) }
    }

    /// A member `,"key":123` (no comma when `comma` is false) of a key needing no escape, in one reservation.
    @inline(__always)
    mutating func writeMember(plainKey key: UnsafeBufferPointer<UInt8>, comma: Bool, integer value: Int64) {
        write(room: key.count + 4 + Self.maxIntegerCount) { out in
            let keyCount = Self.putKey(key, comma: comma, at: out)
            return keyCount + Self.putInteger(value, at: out + keyCount)
        }
    }

    // A sign and 19 digits (`Int64.min`).
    static let maxIntegerCount = 20

    // The digits of `value` at `out`, returning their count: written right to left, two per division, into a
    // buffer on the stack, then copied with word stores. Counting the digits first took a comparison per digit
    // (16 for a time in microseconds) and a mispredicted branch at the end.
    @inline(__always)
    static func putInteger(_ value: Int64, at out: UnsafeMutablePointer<UInt8>) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxIntegerCount) { buffer in
            guard let digits = buffer.baseAddress else { return 0 }
            var start = maxIntegerCount
            var magnitude = value.magnitude
            digitPairs.withUTF8Buffer { pairs in
                while magnitude >= 100 {
                    let pair = Int(magnitude % 100)
                    magnitude /= 100
                    start -= 2
                    digits[start] = pairs[2 * pair]
                    digits[start + 1] = pairs[2 * pair + 1]
                }
                if magnitude >= 10 {
                    start -= 2
                    digits[start] = pairs[2 * Int(magnitude)]
                    digits[start + 1] = pairs[2 * Int(magnitude) + 1]
                } else {
                    start -= 1
                    digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
                }
            }
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            let count = maxIntegerCount - start
            copyShort(digits + start, to: out, count: count)
            return count
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

    // Whether any byte of the word (eight or four) is below 0x20, a `"` or a `\` (bit tricks that test every byte at
    // once; each is exact for "some byte", which is all this asks, so the byte order of the load does not matter).
    @inline(__always)
    static func wordNeedsEscape<Word: FixedWidthInteger & UnsignedInteger>(_ word: Word) -> Bool {
        let ones = Word(truncatingIfNeeded: 0x0101_0101_0101_0101 as UInt64)
        let highBits = Word(truncatingIfNeeded: 0x8080_8080_8080_8080 as UInt64)
        // A byte below n (n <= 0x80) leaves its high bit set in (word - n * ones) & ~word.
        let controls = (word &- ones &* 0x20) & ~word & highBits
        // A zero byte of word ^ (c * ones) is a byte equal to c.
        let quotes = word ^ (ones &* Word(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* Word(UInt8(ascii: "\\")))
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
