/// The columns of a rate deck CSV, named by its header row (any order, each exactly once).
public enum RateDeckColumn: String, Hashable, Sendable, CaseIterable {
    /// Destination prefix, digits only.
    case prefix
    /// Decimal rate per price unit.
    case rate
    /// Three-letter currency code.
    case currency
    /// `per-min` or `per-msg`.
    case priceUnit = "price_unit"
    /// First billing increment in seconds.
    case initialIncrement = "initial_increment_s"
    /// Later billing increments in seconds.
    case nextIncrement = "next_increment_s"
    /// Decimal fee per answered call.
    case connectionFee = "connection_fee"
    /// Minimum billed duration in seconds.
    case minimumDuration = "minimum_duration_s"
    /// RFC 3339 UTC start (inclusive).
    case effectiveFrom = "effective_from"
    /// RFC 3339 UTC end (exclusive); empty = open-ended.
    case effectiveUntil = "effective_until"

    /// The header line in the documented order.
    public static var canonicalHeader: String {
        allCases.map(\.rawValue).joined(separator: ",")
    }
}
