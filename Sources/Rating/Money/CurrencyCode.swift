/// An ISO 4217-shaped currency code: exactly three upper-case ASCII letters (`EUR`, `USD`).
public struct CurrencyCode: Hashable, Sendable, CustomStringConvertible {
    /// The three letters.
    public let code: String

    /// Validates `text` as three upper-case ASCII letters.
    public init(_ text: some StringProtocol) throws(RatingError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 3, bytes.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw RatingError(.invalidCurrency, reason: "a currency is three upper-case ASCII letters")
        }
        self.code = String(decoding: bytes, as: UTF8.self)
    }

    /// The three letters.
    public var description: String { code }
}
