/// The value side of a bid/ask negotiation with one provider (pure; the SIP side lives in the node).
///
/// The node never bids above the **ceiling** = customer rate − minimum spread, so whatever is agreed
/// leaves at least the minimum spread and the customer's charge (always its own deck rate) never
/// changes: negotiation can only improve terms. Rounds are numbered from 1 (the opening bid).
public struct NegotiationTerms: Hashable, Sendable {
    /// The customer's rate for the destination (what the customer pays per unit).
    public let customerRate: Money
    /// The provider deck's rate for the destination.
    public let providerDeckRate: Money
    /// Least spread per unit, in micro-units of the common currency.
    public let minimumSpreadMicros: Int64
    /// Most rounds (`X-BF-MaxBidRnd`), at least 1.
    public let maxBidRounds: Int

    /// Terms; both rates in one currency, a non-negative minimum spread, at least one round.
    public init(customerRate: Money, providerDeckRate: Money, minimumSpreadMicros: Int64, maxBidRounds: Int) throws(RatingError) {
        try customerRate.requireSameCurrency(providerDeckRate)
        guard minimumSpreadMicros >= 0, maxBidRounds >= 1 else {
            throw RatingError(.invalidPolicy, reason: "the minimum spread must be non-negative and MaxBidRnd at least 1")
        }
        self.customerRate = customerRate
        self.providerDeckRate = providerDeckRate
        self.minimumSpreadMicros = minimumSpreadMicros
        self.maxBidRounds = maxBidRounds
    }

    /// The highest price the node may pay: `customerRate − minimumSpread`.
    public var ceiling: Money {
        Money(
            micros: customerRate.micros.subtractingReportingOverflow(minimumSpreadMicros).partialValue,
            currency: customerRate.currency
        )
    }

    /// The round-1 bid (`X-BF-Bid-Price`): the provider's deck rate, or nil when that rate is above
    /// the ceiling (the provider cannot be used at a spread the node accepts).
    public var openingBid: Money? {
        providerDeckRate.micros <= ceiling.micros ? providerDeckRate : nil
    }

    /// The decision on a counter-offer (`X-BF-Ask-Price`) received in answer to the bid of `round`.
    ///
    /// Accepted, as the bid of round `round + 1`, when the ask is a positive amount in the same
    /// currency, at or below the ceiling, and `round < maxBidRounds`. Otherwise rejected with the
    /// first failing reason in that order (invalid price, rounds exhausted, spread below minimum).
    public func decide(ask: Money, round: Int) -> CounterOfferDecision {
        guard ask.currency == customerRate.currency, ask.micros > 0 else {
            return .reject(.invalidPrice)
        }
        guard round >= 1, round < maxBidRounds else {
            return .reject(.roundsExhausted)
        }
        guard ask.micros <= ceiling.micros else {
            return .reject(.spreadBelowMinimum)
        }
        return .accept(nextRound: round + 1, bid: ask)
    }
}

/// What the node does with a counter-offer.
public enum CounterOfferDecision: Hashable, Sendable {
    /// Send a new INVITE with `bid` as `X-BF-Bid-Price` and `nextRound` as `X-BF-Bid-Round`.
    case accept(nextRound: Int, bid: Money)
    /// Do not bid again to this provider; move on in the plan.
    case reject(CounterOfferRejection)

    /// The bid-log outcome of the round that received the counter-offer.
    public var outcome: BidOutcome {
        switch self {
        case .accept:
            return .counterAccepted
        case .reject(.invalidPrice):
            return .counterRejectedInvalid
        case .reject(.roundsExhausted):
            return .counterRejectedRounds
        case .reject(.spreadBelowMinimum):
            return .counterRejectedSpread
        }
    }
}

/// Why a counter-offer was refused.
public enum CounterOfferRejection: String, Hashable, Sendable, CaseIterable {
    /// Not positive, or another currency.
    case invalidPrice = "invalid_price"
    /// The round was already `maxBidRounds`.
    case roundsExhausted = "rounds_exhausted"
    /// Above the ceiling: the spread would fall below the minimum.
    case spreadBelowMinimum = "spread_below_minimum"
}
