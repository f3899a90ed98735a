/// Strict `1*DIGIT` parsing. `Int(_:)` would also accept a sign (`+5`, `-0`), which the SIP
/// grammar does not, and the framer and parser must agree on exactly the same spellings.
enum SIPDecimal {
    /// The value of 1 to `maxDigits` ASCII digits, or nil for anything else (sign, space, empty).
    static func parse(_ text: some StringProtocol, maxDigits: Int) -> Int? {
        var value = 0
        var count = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            count += 1
            guard count <= maxDigits else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return count == 0 ? nil : value
    }

    /// The value of 1 to `maxDigits` ASCII digits in raw bytes.
    static func parseBytes(_ bytes: some Collection<UInt8>, maxDigits: Int) -> Int? {
        var value = 0
        var count = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            count += 1
            guard count <= maxDigits else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return count == 0 ? nil : value
    }
}
