/// A digit string of up to 18 digits packed into 64 bits together with its length (so `044` ≠ `44`).
struct PrefixKey: Hashable, Sendable {
    static let maxDigits = 18

    let value: UInt64
    let length: UInt8

    /// Nil unless `digits` is 1...maxDigits ASCII digits.
    init?(digits: some StringProtocol) {
        var value: UInt64 = 0
        var length = 0
        for byte in digits.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), length < Self.maxDigits else {
                return nil
            }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            length += 1
        }
        guard length > 0 else {
            return nil
        }
        self.value = value
        self.length = UInt8(length)
    }

    init(value: UInt64, length: UInt8) {
        self.value = value
        self.length = length
    }
}
