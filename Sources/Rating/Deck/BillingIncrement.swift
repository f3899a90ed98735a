/// Billing increments in seconds: the first `initial` seconds, then blocks of `next` (60/60, 30/6, 1/1).
public struct BillingIncrement: Hashable, Sendable, CustomStringConvertible {
    /// The first billed block, in seconds (at least 1).
    public let initialSeconds: Int64
    /// Every later block, in seconds (at least 1).
    public let nextSeconds: Int64

    /// Both increments must be positive.
    public init(initialSeconds: Int64, nextSeconds: Int64) throws(RatingError) {
        guard initialSeconds > 0, nextSeconds > 0 else {
            throw RatingError(.invalidPolicy, reason: "billing increments must be positive, got \(initialSeconds)/\(nextSeconds)")
        }
        self.initialSeconds = initialSeconds
        self.nextSeconds = nextSeconds
    }

    /// `initial/next`, e.g. `30/6`.
    public var description: String { "\(initialSeconds)/\(nextSeconds)" }
}
