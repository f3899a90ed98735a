/// What a session used: seconds of an answered call, or messages.
public enum Usage: Hashable, Sendable {
    /// An answered call of this many whole seconds; 0 is an unanswered (or zero-length) call.
    case voice(durationSeconds: Int64)
    /// This many messages.
    case messages(count: Int64)

    /// A call of `milliseconds` (a CDR's `duration_ms`): every started second counts, so 1 ms is 1 s
    /// and 60 001 ms is 61 s; exactly 0 ms stays 0 and is charged nothing.
    public static func voice(durationMilliseconds milliseconds: Int64) -> Usage {
        guard milliseconds > 0 else {
            return .voice(durationSeconds: 0)
        }
        return .voice(durationSeconds: (milliseconds - 1) / 1000 + 1)
    }

    /// The price unit this usage is priced in.
    public var unit: PriceUnit {
        switch self {
        case .voice:
            return .perMinute
        case .messages:
            return .perMessage
        }
    }
}
