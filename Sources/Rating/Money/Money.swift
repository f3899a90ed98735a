/// An exact amount of one currency, in integer micro-units (1 unit = 1 000 000 micro-units).
///
/// No binary floating point is involved anywhere: amounts are parsed from and written as decimal
/// strings, and every operation is overflow-checked and throws `RatingError.Code.overflow` instead
/// of trapping. Combining two currencies throws `currencyMismatch`.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// Micro-units per currency unit.
    public static let microsPerUnit: Int64 = 1_000_000

    /// The amount in micro-units of `currency`.
    public let micros: Int64
    /// The currency of the amount.
    public let currency: CurrencyCode

    /// An amount of `micros` micro-units.
    public init(micros: Int64, currency: CurrencyCode) {
        self.micros = micros
        self.currency = currency
    }

    /// Nothing, in `currency`.
    public static func zero(_ currency: CurrencyCode) -> Money {
        Money(micros: 0, currency: currency)
    }

    /// True below zero.
    public var isNegative: Bool { micros < 0 }

    /// `self + other`, same currency.
    public func adding(_ other: Money) throws(RatingError) -> Money {
        try requireSameCurrency(other)
        let (sum, overflow) = micros.addingReportingOverflow(other.micros)
        guard !overflow else {
            throw RatingError(.overflow, reason: "\(self) + \(other) does not fit in 64-bit micro-units")
        }
        return Money(micros: sum, currency: currency)
    }

    /// `self - other`, same currency.
    public func subtracting(_ other: Money) throws(RatingError) -> Money {
        try requireSameCurrency(other)
        let (difference, overflow) = micros.subtractingReportingOverflow(other.micros)
        guard !overflow else {
            throw RatingError(.overflow, reason: "\(self) - \(other) does not fit in 64-bit micro-units")
        }
        return Money(micros: difference, currency: currency)
    }

    /// `self × factor` (a count of messages, for example); exact.
    public func multiplied(by factor: Int64) throws(RatingError) -> Money {
        let (product, overflow) = micros.multipliedReportingOverflow(by: factor)
        guard !overflow else {
            throw RatingError(.overflow, reason: "\(self) × \(factor) does not fit in 64-bit micro-units")
        }
        return Money(micros: product, currency: currency)
    }

    /// Orders two amounts of the same currency.
    public func isLess(than other: Money) throws(RatingError) -> Bool {
        try requireSameCurrency(other)
        return micros < other.micros
    }

    /// Throws `currencyMismatch` unless `other` is in this amount's currency.
    public func requireSameCurrency(_ other: Money) throws(RatingError) {
        guard currency == other.currency else {
            throw RatingError(.currencyMismatch, reason: "\(currency) and \(other.currency) cannot be combined")
        }
    }

    /// `"0.012300 EUR"`.
    public var description: String { "\(decimalString) \(currency)" }
}
