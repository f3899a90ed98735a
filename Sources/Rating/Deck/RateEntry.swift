/// One row of a rate deck: the price of a destination prefix during an effective period.
public struct RateEntry: Hashable, Sendable {
    /// Destination prefix, ASCII digits only (no `+`).
    public let prefix: String
    /// Price of one `unit` (a minute or a message); never negative.
    public let rate: Money
    /// What `rate` buys.
    public let unit: PriceUnit
    /// Billing increments (used by `per-min` rows only).
    public let increment: BillingIncrement
    /// Charged once per answered call or per message session, in the rate's currency; never negative.
    public let connectionFee: Money
    /// A shorter answered call is billed as this many seconds (`per-min` rows only).
    public let minimumDurationSeconds: Int64
    /// When the row is in force.
    public let period: EffectivePeriod
    /// The deck line the row came from (the header is line 1); 0 for rows built in code.
    public let sourceLine: Int

    /// A row; the loader validates values, code that builds rows must pass valid ones.
    public init(
        prefix: String, rate: Money, unit: PriceUnit, increment: BillingIncrement, connectionFee: Money,
        minimumDurationSeconds: Int64, period: EffectivePeriod, sourceLine: Int = 0
    ) {
        self.prefix = prefix
        self.rate = rate
        self.unit = unit
        self.increment = increment
        self.connectionFee = connectionFee
        self.minimumDurationSeconds = minimumDurationSeconds
        self.period = period
        self.sourceLine = sourceLine
    }
}
