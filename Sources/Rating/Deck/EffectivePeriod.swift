/// When a deck row is in force: from `fromMicros` (inclusive) until `untilMicros` (exclusive, nil = open-ended).
///
/// Times are UTC microseconds since the epoch, like every time in SIPswarm.
public struct EffectivePeriod: Hashable, Sendable {
    /// First instant in force.
    public let fromMicros: Int64
    /// First instant no longer in force; nil when the row has no end.
    public let untilMicros: Int64?

    /// `untilMicros`, when set, must be after `fromMicros`.
    public init(fromMicros: Int64, untilMicros: Int64?) throws(RatingError) {
        if let untilMicros, untilMicros <= fromMicros {
            throw RatingError(.invalidTimestamp, reason: "effective_until must be after effective_from")
        }
        self.fromMicros = fromMicros
        self.untilMicros = untilMicros
    }

    /// True when `instant` falls inside the period.
    public func contains(_ instant: Int64) -> Bool {
        guard instant >= fromMicros else {
            return false
        }
        guard let untilMicros else {
            return true
        }
        return instant < untilMicros
    }

    /// True when some instant is in both periods.
    public func overlaps(_ other: EffectivePeriod) -> Bool {
        let (first, second) = fromMicros <= other.fromMicros ? (self, other) : (other, self)
        guard let end = first.untilMicros else {
            return true
        }
        return end > second.fromMicros
    }
}
