/// A failure of rating arithmetic, pricing, routing or negotiation (deck loading has `RateDeckError`).
public struct RatingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// An amount does not fit in 64-bit micro-units (or a duration or count in 64 bits).
        public static let overflow = Code("overflow")
        /// Two amounts in different currencies were combined or compared; there is no FX.
        public static let currencyMismatch = Code("currencyMismatch")
        /// A decimal amount is not `-?digits[.digits]` with at most six significant fraction digits.
        public static let invalidAmount = Code("invalidAmount")
        /// A currency code is not three ASCII upper-case letters.
        public static let invalidCurrency = Code("invalidCurrency")
        /// A time stamp is not RFC 3339 UTC.
        public static let invalidTimestamp = Code("invalidTimestamp")
        /// Usage and rate disagree: a voice duration on a `per-msg` rate, messages on a `per-min` rate,
        /// or customer and provider rates with different price units.
        public static let unitMismatch = Code("unitMismatch")
        /// A negative duration or message count.
        public static let invalidUsage = Code("invalidUsage")
        /// A policy value is out of range (for example zero bid rounds or a negative tolerance).
        public static let invalidPolicy = Code("invalidPolicy")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A human explanation; never carries a phone number.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// Creates an error at the caller's location.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The code, reason and location.
    public var description: String {
        "RatingError.\(code): \(reason) (\(file):\(line))"
    }
}
