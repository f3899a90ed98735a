import Testing
@testable import Records

/// The writer's primitives against plain references: integers against `String(n)`, strings against a byte-by-byte
/// RFC 8785 escaper for every byte value at every position of every length the word-at-a-time paths treat apart
/// (whole words, the overlapping last word, two overlapping halves, single bytes), and the inline short copy.
@Suite struct CanonicalOutputPrimitiveTests {
    static func written(_ write: (inout CanonicalOutput) -> Void) -> [UInt8] {
        var output = CanonicalOutput(capacity: 0)
        write(&output)
        return output.finish()
    }

    // Seeded values: every power of ten with its neighbours and both signs, the extremes, and pseudo-random values
    // of every bit length.
    static let integers: [Int64] = {
        var values: [Int64] = [0, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var power: Int64 = 1
        while true {
            values += [power - 1, power, power + 1, -power, 1 - power, -power - 1]
            guard power <= Int64.max / 10 else { break }
            power *= 10
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int64(bitPattern: state) >> (index % 64))
        }
        return values
    }()

    @Test func integersAreTheirDecimalText() {
        let wrong = Self.integers.filter { value in
            Self.written { $0.writeInteger(value) } != Array(String(value).utf8)
        }
        #expect(wrong.isEmpty, "wrong digits for \(wrong.prefix(5))")
    }

    @Test func integerMembersAreKeyAndDecimalText() {
        let wrong = Self.integers.filter { value in
            let bytes = Self.written { output in
                (("n" as StaticString)).withUTF8Buffer { output.writeMember(plainKey: $0, comma: true, integer: value) }
            }
            return bytes != Array(#","n":\#(value)"#.utf8)
        }
        #expect(wrong.isEmpty, "wrong member for \(wrong.prefix(5))")
    }

    // RFC 8785 section 3.2.2.2 one byte at a time: the short escapes, other controls as lower-case `\u00xx`,
    // every other byte as it is.
    static func referenceString(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    @Test func everyByteIsEscapedAsRFC8785SaysWhereverItStands() {
        var wrong: [(byte: UInt8, length: Int, position: Int)] = []
        for byte in UInt8.min...UInt8.max {
            for length in 1...26 {
                for position in 0..<length {
                    var bytes = (0..<length).map { UInt8(ascii: "a") &+ UInt8($0 % 26) }
                    bytes[position] = byte
                    // A second byte needing an escape further on, for the path that continues after one.
                    if position + 3 < length, byte.isMultiple(of: 5) {
                        bytes[position + 3] = 0x1F
                    }
                    let written = bytes.withUnsafeBufferPointer { buffer in Self.written { $0.writeString(utf8: buffer) } }
                    if written != Self.referenceString(bytes) {
                        wrong.append((byte, length, position))
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "wrong escaping for (byte, length, position) \(wrong.prefix(5))")
    }

    // The member path (key and string value in one reservation) and `String` values, small and large.
    @Test func stringMembersAreEscapedLikeTheirBytes() {
        var wrong: [String] = []
        for byte in UInt8.min..<0x80 {
            for length in [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 40] {
                let text = String(decoding: (0..<length).map { $0 == length / 2 ? byte : UInt8(ascii: "0") &+ UInt8($0 % 10) }, as: UTF8.self)
                let utf8 = Array(text.utf8)
                var writer = CanonicalObjectWriter()
                writer.member("k", text)
                if writer.finish() != Array(#"{"k":"#.utf8) + Self.referenceString(utf8) + [UInt8(ascii: "}")] {
                    wrong.append(text)
                }
            }
        }
        #expect(wrong.isEmpty, "wrong members for \(wrong.prefix(5))")
    }

    @Test func shortCopiesCopyExactlyTheirBytesAndNothingElse() {
        let source = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var wrong: [(count: Int, offset: Int)] = []
        for count in 0...140 {
            for offset in 0..<9 {
                var target = [UInt8](repeating: 0xEE, count: count + 16)
                source.withUnsafeBufferPointer { from in
                    target.withUnsafeMutableBufferPointer { to in
                        guard let start = from.baseAddress, let end = to.baseAddress else { return }
                        CanonicalOutput.copyShort(start + offset, to: end + 5, count: count)
                    }
                }
                let expected = [UInt8](repeating: 0xEE, count: 5) + source[offset..<offset + count]
                    + [UInt8](repeating: 0xEE, count: 11)
                if target != expected {
                    wrong.append((count, offset))
                }
            }
        }
        #expect(wrong.isEmpty, "wrong copies for (count, offset) \(wrong.prefix(5))")
    }
}
