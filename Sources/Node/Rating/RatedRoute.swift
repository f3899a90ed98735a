public import Rating
public import Records

/// A rated session's routing plan: the customer's row, the bid groups with each provider's row and
/// negotiation terms, and the providers left out. A value: the engine keeps it for the session's life
/// and prices the session with it at the end, whatever reloads happen meanwhile.
public struct RatedRoute: Sendable, Hashable {
    /// The customer's id.
    public let customerID: String
    /// The digits rated and routed on (`RoutingDestination`).
    public let destination: String
    /// Voice or message.
    public let service: RatingService
    /// The instant the decks were matched at (the session's setup time), UTC µs.
    public let setupMicros: Int64
    /// The customer deck's row: what the customer pays.
    public let customer: RateMatch
    /// The negotiation terms of every grouped provider of `plan`, group after group: one array per call where
    /// `groups` (built on demand) has one per group and one around them.
    let terms: [NegotiationTerms]
    /// Providers in no group, and why (offered in priority order).
    public let excluded: [ExcludedProvider]
    /// Rating's plan, kept whole for the record.
    public let plan: LCRPlan

    /// Bid groups, tried one after the other; the providers of one group are forked in parallel.
    public var groups: [[RoutedProvider]] {
        var index = 0
        return self.plan.groups.map { group in
            group.members.map { member in
                defer { index += 1 }
                return RoutedProvider(providerID: member.providerID, match: member.match, terms: self.terms[index], scored: member)
            }
        }
    }

    /// The bid groups as provider ids: `[["p1"], ["p2"]]`.
    public var groupIDs: [[String]] {
        self.plan.groups.map { $0.members.map(\.providerID) }
    }

    /// The provider `id` if it is in a bid group.
    public func provider(_ id: String) -> RoutedProvider? {
        var index = 0
        for group in self.plan.groups {
            for member in group.members {
                if member.providerID == id {
                    return RoutedProvider(providerID: member.providerID, match: member.match, terms: self.terms[index], scored: member)
                }
                index += 1
            }
        }
        return nil
    }

    /// The CDR's routing block (`LCRPlan.routingBlock`), built once per call by the engine.
    public var routingBlock: RoutingBlock {
        self.plan.routingBlock
    }

    /// `routingBlock` as canonical JSON members (`groups`, `excluded`), for readers and tests.
    public var fields: [String: CanonicalJSON] {
        guard case .object(let fields) = self.routingBlock.canonicalJSON() else { return [:] }
        return fields
    }
}

/// One provider in a bid group: its deck row for the destination and the terms to bid on.
public struct RoutedProvider: Sendable, Hashable {
    /// The provider's id.
    public let providerID: String
    /// The provider deck's row: what the provider charges at its deck price.
    public let match: RateMatch
    /// The bid/ask terms (customer rate, deck rate, minimum spread, `X-BF-MaxBidRnd`); `terms.openingBid`
    /// is the round-1 `X-BF-Bid-Price`.
    public let terms: NegotiationTerms
    /// Reference cost, health and score as LCR ranked it.
    public let scored: ScoredCandidate

    /// The provider deck's rate for the destination.
    public var deckRate: Money {
        self.match.entry.rate
    }
}
