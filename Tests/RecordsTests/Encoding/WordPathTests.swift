import Testing
@testable import Records

/// The chain writer's shortcuts against references over seeded inputs: byte comparison a word at a time, and a
/// member's string and integer values set in place.
@Suite struct WordPathTests {
    // Seeded pseudo-random bytes (a fixed LCG, so a failure repeats).
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    // Two lower-case digits a byte, by the standard library's formatter.
    static func referenceHex(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined().utf8)
    }

    @Test func wordComparisonFindsEveryDifference() {
        var wrong: [(Int, Int)] = []
        for count in 0...40 {
            let left = Self.bytes(count, seed: UInt64(count))
            let same = left.withUnsafeBufferPointer { a in
                Array(left).withUnsafeBufferPointer { b in
                    guard let a = a.baseAddress, let b = b.baseAddress else { return count == 0 }
                    return CanonicalOutput.equalBytes(a, b, count: count)
                }
            }
            if !same {
                wrong.append((count, -1))
            }
            for position in 0..<count {
                var right = left
                right[position] ^= UInt8(1) << UInt8(position % 8)
                let equal = left.withUnsafeBufferPointer { a in
                    right.withUnsafeBufferPointer { b in
                        guard let a = a.baseAddress, let b = b.baseAddress else { return true }
                        return CanonicalOutput.equalBytes(a, b, count: count)
                    }
                }
                if equal {
                    wrong.append((count, position))
                }
            }
        }
        #expect(wrong.isEmpty, "differences missed at (count, position) \(wrong.prefix(5))")
    }

    @Test func anOverrideWithTheSameBytesIsKeptAndADifferentOneReplaces() {
        // `end()` compares the caller's value with the override's through `written(from:equals:)`.
        for count in 0...40 {
            let text = String(decoding: Self.referenceHex(Self.bytes(count, seed: 7)).prefix(count), as: UTF8.self)
            var writer = CanonicalObjectWriter(overrides: [(key: "k", value: .string(text))])
            writer.member("k", text)
            #expect(writer.replacedKeys.isEmpty)
            var changed = CanonicalObjectWriter(overrides: [(key: "k", value: .string(text))])
            changed.member("k", text.isEmpty ? "x" : String(text.dropLast()) + "_")
            #expect(changed.replacedKeys == ["k"])
            #expect(changed.finish() == Array(#"{"k":"\#(text)"}"#.utf8))
        }
    }

    @Test func aPlainStringSetInPlaceEncodesAsANewOne() {
        var member = CanonicalMember(key: "prev_hash", value: .string(""))
        // Lengths changing (the growing and shrinking path) and repeated (the in-place path).
        for count in [64, 64, 0, 3, 64, 64, 65, 17, 64, 64] {
            for seed in 0..<20 {
                let digits = Self.referenceHex(Self.bytes(count, seed: UInt64(seed))).prefix(count)
                member.setString(plainCount: count) { out in
                    for (index, digit) in digits.enumerated() {
                        out[index] = digit
                    }
                }
                var fromSet = CanonicalObjectWriter(overrides: [member])
                var fromValue = CanonicalObjectWriter(
                    overrides: [("prev_hash", .string(String(decoding: digits, as: UTF8.self)))]
                )
                #expect(fromSet.finish() == fromValue.finish())
            }
        }
    }

    @Test func anIntegerSetInPlaceEncodesAsANewOne() {
        var member = CanonicalMember(key: "seq", value: .integer(0))
        // Seeded values of every length and sign, each set twice (in place) and after one of another length.
        var values: [Int64] = [0, 0, 9, 10, 10, 99, 100, -1, -10, Int64.max, Int64.max, Int64.min, Int64.min, 7]
        var state: UInt64 = 0x853C_49E6_748F_EA9B
        for index in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Int64(bitPattern: state) >> (index % 64)
            values += [value, value, value &+ 1]
        }
        var wrong: [Int64] = []
        for value in values {
            member.setInteger(value)
            var fromSet = CanonicalObjectWriter(overrides: [member])
            if fromSet.finish() != Array(#"{"seq":\#(value)}"#.utf8) {
                wrong.append(value)
            }
        }
        #expect(wrong.isEmpty, "wrong digits for \(wrong.prefix(5))")
    }
}
