public import Rating

/// What a session carries, as rating sees it: calls are priced per minute, messages per message.
///
/// The engine maps its session kinds onto these two: voice and video INVITEs are `.voice` (both are
/// priced from the per-minute deck), MESSAGE is `.message`.
public enum RatingService: Sendable, Hashable, CaseIterable {
    /// A call (INVITE, audio or video), priced from `rate_deck` rows with price unit `per-min`.
    case voice
    /// A SIP MESSAGE, priced from `message_rate_deck` rows with price unit `per-msg`.
    case message

    /// The deck price unit this service is billed in.
    public var priceUnit: PriceUnit {
        switch self {
        case .voice: .perMinute
        case .message: .perMessage
        }
    }
}
