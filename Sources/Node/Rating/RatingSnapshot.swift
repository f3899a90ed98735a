import Rating

/// Everything rating reads but never changes: the loaded decks of every trunk and the LCR policy.
///
/// Built off the event loop if need be (`RatingSnapshot.load` reads files), then handed to a
/// `RatingBook`, which swaps it in whole: a reload either installs every new deck or none.
public struct RatingSnapshot: Sendable {
    /// One trunk's decks and limits.
    struct Trunk: Sendable {
        var id: String
        /// Position in the configuration's `[[customers]]` or `[[providers]]` list, for error key paths.
        var index: Int
        var perMinute: RateDeck?
        var perMessage: RateDeck?
        var limits: ProviderLimits
        /// A fresh counter for `limits` (nil: no limit), copied into a book that has none for this provider yet.
        var capacity: ProviderCapacity?

        /// Whether the trunk has a deck for `service`.
        func rates(_ service: RatingService) -> Bool {
            switch service {
            case .voice: self.perMinute != nil
            case .message: self.perMessage != nil
            }
        }

        /// The longest-prefix match in the deck for `service` (nil: no deck, or no prefix matches).
        func match(_ digits: String, at timeMicros: Int64, service: RatingService) -> RateMatch? {
            switch service {
            case .voice: self.perMinute?.match(digits, at: timeMicros)
            case .message: self.perMessage?.match(digits, at: timeMicros)
            }
        }
    }

    /// A provider's capacity limits as configured; nil means no limit.
    struct ProviderLimits: Hashable, Sendable {
        var maxConcurrent: Int?
        var callsPerSecond: Int?
    }

    /// Customers by id.
    let customers: [String: Trunk]
    /// Providers by ascending priority (ties in file order): the order LCR is offered them in.
    let providers: [Trunk]
    /// Scoring and grouping, from `[rating]`.
    let policy: LCRPolicy
    /// `[rating] max_bid_rounds`.
    let maxBidRounds: Int
    /// An empty window of `[rating] health_window_attempts` and `health_window_s`.
    let healthWindow: ProviderHealthWindow

    /// Names of every deck loaded (for logs): `version` strings, customers first.
    public var deckVersions: [String] {
        let trunks = self.customers.values.sorted { $0.id < $1.id } + self.providers
        return trunks.flatMap { [$0.perMinute?.version, $0.perMessage?.version].compactMap { $0 } }
    }
}
