import Rating
import Records
import SIPCore

// Bid/ask negotiation over SIP (docs/negotiation.md): the bid on each outbound INVITE, counter-offers in 488
// with X-BF-Ask-Price, and one bid-log record per round.
extension B2BUASession {
    /// The negotiation for this attempt to `planned`: round 1 at the opening bid, or the next round agreed in a
    /// counter-offer. Nil for an unrated provider, or one whose deck rate already leaves less than the minimum
    /// spread (it is then routed at its deck price without bidding; LCR normally excludes it before).
    func bidFor(_ planned: PlannedProvider) -> Negotiation? {
        guard let terms = planned.terms, let match = planned.match else { return nil }
        if let ongoing = negotiations[planned.target.id] {
            return ongoing
        }
        guard let opening = terms.openingBid else { return nil }
        let negotiation = Negotiation(id: RecordID.random(), terms: terms, unit: match.entry.unit, round: 1, bid: opening)
        negotiations[planned.target.id] = negotiation
        return negotiation
    }

    /// A 488 with `X-BF-Ask-Price` answering a bid: logs the round and returns the provider to try again with
    /// when the ask is acceptable (the session's negotiation moves to the next round), nil otherwise.
    func counterOffer(_ response: SIPResponse, attempt: ProviderAttempt, at now: Int64) -> PlannedProvider? {
        guard response.statusCode == 488, let negotiation = attempt.negotiation,
              let askText = response.headers[BFHeaders.askPrice]?.trimmingCharacters(in: " \t")
        else { return nil }
        let currency = negotiation.bid.currency
        let decision: CounterOfferDecision
        let asked: String
        do {
            let ask = try Money.parse(askText, currency: currency)
            decision = negotiation.terms.decide(ask: ask, round: negotiation.round)
            asked = ask.decimalString
        } catch {
            decision = .reject(.invalidPrice)
            asked = String(askText.prefix(32))
        }
        bidEnded(attempt, outcome: decision.outcome.rawValue, asked: asked, at: now)
        switch decision {
        case .accept(let nextRound, let bid):
            var next = negotiation
            next.round = nextRound
            next.bid = bid
            negotiations[attempt.provider.id] = next
            return attempt.planned
        case .reject:
            return nil
        }
    }

    /// The winner's round ends `accepted`; the CDR gets the negotiation summary.
    func bidAccepted(_ attempt: ProviderAttempt, at now: Int64) {
        guard let negotiation = attempt.negotiation else { return }
        bidEnded(attempt, outcome: BidOutcome.accepted.rawValue, asked: nil, at: now)
        cdr.negotiation = .typed(NegotiationBlock(
            negotiationID: negotiation.id, rounds: negotiation.round, maxRounds: negotiation.terms.maxBidRounds,
            agreedRate: negotiation.bid.decimalString, deckRate: negotiation.terms.providerDeckRate.decimalString,
            currency: negotiation.bid.currency.code, priceUnit: negotiation.unit.rawValue
        ))
    }

    /// Writes the bid-log record of `attempt`'s round, once.
    func bidEnded(_ attempt: ProviderAttempt, outcome: String, asked: String?, at now: Int64) {
        guard let negotiation = attempt.negotiation, !attempt.bidLogged else { return }
        attempt.bidLogged = true
        cdr.bidRound(
            attemptNumber: attempt.number, negotiationID: negotiation.id, round: negotiation.round,
            providerID: attempt.provider.id, offered: negotiation.bid.decimalString, asked: asked,
            currency: negotiation.bid.currency.code, priceUnit: negotiation.unit.rawValue, outcome: outcome, at: now
        )
    }
}
