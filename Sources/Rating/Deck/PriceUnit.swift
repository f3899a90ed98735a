/// What one rate buys: a minute of a call or one message.
public enum PriceUnit: String, Hashable, Sendable, CaseIterable {
    /// The rate is per 60 seconds of billable call time.
    case perMinute = "per-min"
    /// The rate is per message.
    case perMessage = "per-msg"
}
