/// A provider offered to least-cost routing: its deck match for the destination (if any), its
/// measured health and whether it has capacity now.
public struct LCRCandidate: Hashable, Sendable {
    /// The provider's id.
    public let providerID: String
    /// The provider deck's row for the destination at setup time; nil when its deck has none.
    public let match: RateMatch?
    /// The provider's health window snapshot.
    public let health: ProviderHealth
    /// The provider's capacity verdict now.
    public let capacity: CapacityVerdict

    /// A candidate.
    public init(providerID: String, match: RateMatch?, health: ProviderHealth, capacity: CapacityVerdict) {
        self.providerID = providerID
        self.match = match
        self.health = health
        self.capacity = capacity
    }
}

/// A provider that passed every filter, with its ranking numbers.
public struct ScoredCandidate: Hashable, Sendable {
    /// The provider's id.
    public let providerID: String
    /// The provider deck's row.
    public let match: RateMatch
    /// What the reference usage costs at the deck rate.
    public let referenceCost: Money
    /// Health, 0...10 000.
    public let healthBasisPoints: Int64
    /// `referenceCost × (20 000 − health) / 10 000` in micro-units, rounded half-up; lower ranks first.
    public let score: Int64
    /// Health at or above the policy's minimum.
    public let healthy: Bool
}

/// Why a provider is not in any bid group.
public enum ExclusionReason: String, Hashable, Sendable, CaseIterable {
    /// Its deck has no row in force for the destination.
    case noRate = "no_rate"
    /// Its row's price unit differs from the customer's.
    case unitMismatch = "unit_mismatch"
    /// Its row's currency differs from the customer's.
    case currencyMismatch = "currency_mismatch"
    /// It has `maxConcurrent` sessions up.
    case concurrencyExhausted = "concurrency_exhausted"
    /// Its calls-per-second bucket is empty.
    case rateExhausted = "rate_exhausted"
    /// Its rate leaves less than the minimum spread against the customer rate.
    case spreadBelowMinimum = "spread_below_minimum"
}

/// A provider left out of the plan, and why.
public struct ExcludedProvider: Hashable, Sendable {
    /// The provider's id.
    public let providerID: String
    /// Why.
    public let reason: ExclusionReason
}
