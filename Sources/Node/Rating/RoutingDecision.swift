public import Rating

/// What rating says about a new session, before any provider is tried.
public enum RoutingDecision: Sendable {
    /// The customer has no deck for this service: route to every provider by priority, as without
    /// rating, and write no prices.
    case unrated
    /// The customer has a deck but no row in force for the destination (or the destination is not a
    /// number): refuse with ``RoutingDecision/noRateStatus``.
    case noRate
    /// The bid groups to try, in order.
    case plan(RatedRoute)
    /// The customer has a rate, but every provider was excluded (no rate, spread, capacity): refuse
    /// with ``RoutingDecision/noProviderStatus``; the route still carries the exclusions for the CDR.
    case noProvider(RatedRoute)
    /// Rating itself failed (an overflow on absurd deck values): refuse with ``RoutingDecision/failureStatus``.
    case failed(RatingError)

    /// `404 Not Found` for `.noRate`: the destination is not in the customer's price list. The customer
    /// was recognised, so 403 (used for unknown sources) would send operators looking at ACLs instead of
    /// decks, and no other node or retry can do better while the deck is unchanged.
    public static let noRateStatus = 404
    /// `503 Service Unavailable` for `.noProvider`: capacity and health exclusions pass, so a retry later
    /// (or the customer's next route) may succeed.
    public static let noProviderStatus = 503
    /// `500 Server Internal Error` for `.failed`.
    public static let failureStatus = 500

    /// The status to refuse the session with, or nil when it is to be routed.
    public var refusalStatus: Int? {
        switch self {
        case .unrated, .plan: nil
        case .noRate: Self.noRateStatus
        case .noProvider: Self.noProviderStatus
        case .failed: Self.failureStatus
        }
    }
}
