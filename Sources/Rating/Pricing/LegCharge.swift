/// One direction of a price: what a deck row (at a possibly negotiated rate) makes a usage cost.
///
/// `per-min`: amount = fee + rate × billed seconds / 60, computed as the exact fraction
/// `(fee × 60 + rate × billed) / 60` and rounded once, half-up to the micro-unit (`Rounding`).
/// `per-msg`: amount = fee + rate × messages (exact). Usage 0 (an unanswered call, no message)
/// costs nothing, connection fee included.
public struct LegCharge: Hashable, Sendable {
    /// The deck's name.
    public let deckName: String
    /// The deck's version string.
    public let deckVersion: String
    /// The matched prefix.
    public let prefix: String
    /// The rate applied (the deck rate, or the negotiated one).
    public let rate: Money
    /// The rate the deck row lists.
    public let deckRate: Money
    /// The price unit.
    public let unit: PriceUnit
    /// Billing increments of the row.
    public let increment: BillingIncrement
    /// Minimum billed seconds of the row.
    public let minimumDurationSeconds: Int64
    /// Connection fee of the row.
    public let connectionFee: Money
    /// Billed seconds (`per-min`) or billed messages (`per-msg`).
    public let billedQuantity: Int64
    /// The amount, rounded per the rounding rule.
    public let amount: Money

    /// Prices `usage` with `match`'s row, at `rate` instead of the row's rate when given (a negotiated rate).
    public static func compute(_ usage: Usage, match: RateMatch, rate override: Money? = nil) throws(RatingError) -> LegCharge {
        let entry = match.entry
        let rate = override ?? entry.rate
        try rate.requireSameCurrency(entry.rate)
        guard rate.micros >= 0 else {
            throw RatingError(.invalidUsage, reason: "a negative rate cannot be applied")
        }
        let billed: Int64
        let numerator: Int64
        let divisor: Int64
        switch (usage, entry.unit) {
        case (.voice(let duration), .perMinute):
            billed = try BillableDuration.seconds(
                duration: duration, minimum: entry.minimumDurationSeconds, increment: entry.increment
            )
            numerator = billed == 0 ? 0 : try exact(entry.connectionFee.micros, times: 60, plus: rate.micros, times: billed)
            divisor = 60
        case (.messages(let count), .perMessage):
            guard count >= 0 else {
                throw RatingError(.invalidUsage, reason: "a message count is never negative")
            }
            billed = count
            numerator = count == 0 ? 0 : try exact(entry.connectionFee.micros, times: 1, plus: rate.micros, times: count)
            divisor = 1
        case (.voice, .perMessage), (.messages, .perMinute):
            throw RatingError(.unitMismatch, reason: "\(usage.unit.rawValue) usage against a \(entry.unit.rawValue) rate")
        }
        return LegCharge(
            deckName: match.deckName, deckVersion: match.deckVersion, prefix: entry.prefix, rate: rate,
            deckRate: entry.rate, unit: entry.unit, increment: entry.increment,
            minimumDurationSeconds: entry.minimumDurationSeconds, connectionFee: entry.connectionFee,
            billedQuantity: billed,
            amount: Money(micros: try Rounding.divideHalfUp(numerator, by: divisor), currency: rate.currency)
        )
    }

    /// `a × m + b × n`, overflow-checked.
    private static func exact(_ a: Int64, times m: Int64, plus b: Int64, times n: Int64) throws(RatingError) -> Int64 {
        let (first, o1) = a.multipliedReportingOverflow(by: m)
        let (second, o2) = b.multipliedReportingOverflow(by: n)
        let (sum, o3) = first.addingReportingOverflow(second)
        guard !o1, !o2, !o3 else {
            throw RatingError(.overflow, reason: "the charge does not fit in 64-bit micro-units")
        }
        return sum
    }
}
