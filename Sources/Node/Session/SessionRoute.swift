import Rating
import Records

/// What the node decided for one session before the first attempt: the bid groups to try (parallel fork inside a
/// group, sequential cascade between groups) and, for a rated customer, the prices to bid and to bill with.
struct SessionRoute {
    /// Bid groups in order; an unrated session has one single-provider group per provider, in priority order
    /// (serial failover, as before rating).
    var groups: [[PlannedProvider]]
    /// The customer's matched rate; nil for an unrated session.
    var customerMatch: RateMatch?
    /// The routing path for the CDR (LCR scores, groups, exclusions); nil for an unrated session.
    var routingFields: CanonicalBlock<RoutingBlock>?

    /// Every configured provider, one per group: the route of a customer without a rate deck.
    static func unrated(_ providers: [ProviderTarget]) -> SessionRoute {
        SessionRoute(groups: providers.map { [PlannedProvider(target: $0, match: nil, terms: nil)] }, customerMatch: nil, routingFields: nil)
    }
}

/// One provider of a bid group with what the node may offer it.
struct PlannedProvider {
    let target: ProviderTarget
    /// The provider's matched deck rate; nil when unrated.
    let match: RateMatch?
    /// The negotiation bounds (customer rate, deck rate, minimum spread, MaxBidRnd); nil when unrated.
    let terms: NegotiationTerms?
}

/// Where the bidding with one provider stands (one per provider and session: the id is constant across rounds).
struct Negotiation {
    let id: String
    let terms: NegotiationTerms
    let unit: PriceUnit
    var round: Int
    var bid: Money
}
