import Foundation
import Testing

@testable import Rating

@Suite struct NegotiationTermsTests {
    typealias F = DeckFixtures

    /// Customer 0.0150, provider deck 0.0100, minimum spread 0.0030: the ceiling is 0.0120.
    static func terms(deck: String = "0.0100", rounds: Int = 3) throws -> NegotiationTerms {
        try NegotiationTerms(customerRate: try F.eur("0.0150"), providerDeckRate: try F.eur(deck), minimumSpreadMicros: 3_000, maxBidRounds: rounds)
    }

    @Test func opensAtTheDeckRateWhenItLeavesTheSpread() throws {
        #expect(try Self.terms().ceiling.decimalString == "0.012000")
        #expect(try Self.terms().openingBid?.decimalString == "0.010000")
        #expect(try Self.terms(deck: "0.0120").openingBid?.micros == 12_000)
        #expect(try Self.terms(deck: "0.0121").openingBid == nil)
    }

    static let counters: [(String, Int, Int, CounterOfferDecision?)] = [
        ("0.0090", 1, 3, nil),  // lower ask: accepted as the round-2 bid
        ("0.0120", 1, 3, nil),  // at the ceiling: spread exactly the minimum, accepted
        ("0.0120", 2, 3, nil),
        ("0.0121", 1, 3, .reject(.spreadBelowMinimum)),
        ("0.0090", 3, 3, .reject(.roundsExhausted)),
        ("0.0090", 1, 1, .reject(.roundsExhausted)),  // MaxBidRnd 1: no counter is ever taken
        ("0", 1, 3, .reject(.invalidPrice)),
        ("-0.001", 1, 3, .reject(.invalidPrice)),
        ("0.0500", 3, 3, .reject(.roundsExhausted)),  // rounds are checked before the spread
    ]

    @Test(arguments: counters)
    func decidesOnACounterOffer(ask: String, round: Int, rounds: Int, rejection: CounterOfferDecision?) throws {
        let decision = try Self.terms(rounds: rounds).decide(ask: try F.eur(ask), round: round)
        if let rejection {
            #expect(decision == rejection)
        } else {
            #expect(decision == .accept(nextRound: round + 1, bid: try F.eur(ask)))
            #expect(decision.outcome == .counterAccepted)
        }
    }

    @Test func refusesAnAskInAnotherCurrency() throws {
        let usd = Money(micros: 1_000, currency: try CurrencyCode("USD"))
        #expect(try Self.terms().decide(ask: usd, round: 1) == .reject(.invalidPrice))
    }

    @Test func outcomesMapEveryDecision() {
        #expect(CounterOfferDecision.reject(.invalidPrice).outcome == .counterRejectedInvalid)
        #expect(CounterOfferDecision.reject(.roundsExhausted).outcome == .counterRejectedRounds)
        #expect(CounterOfferDecision.reject(.spreadBelowMinimum).outcome == .counterRejectedSpread)
    }

    @Test func refusesInvalidTerms() throws {
        #expect(throws: RatingError.self) {
            try NegotiationTerms(customerRate: try F.eur("1"), providerDeckRate: try F.eur("1"), minimumSpreadMicros: 0, maxBidRounds: 0)
        }
        #expect(throws: RatingError.self) {
            try NegotiationTerms(customerRate: try F.eur("1"), providerDeckRate: try F.eur("1"), minimumSpreadMicros: -1, maxBidRounds: 1)
        }
        #expect(throws: RatingError.self) {
            try NegotiationTerms(customerRate: try F.eur("1"), providerDeckRate: Money(micros: 1, currency: try CurrencyCode("USD")), minimumSpreadMicros: 0, maxBidRounds: 1)
        }
    }

    /// Property: an accepted ask always leaves the customer rate at least the minimum spread above it.
    @Test func acceptedAsksNeverBreakTheMinimumSpread() throws {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<5_000 {
            let customer = Int64(generator.next() % 100_000)
            let spread = Int64(generator.next() % 20_000)
            let rounds = Int(generator.next() % 5) + 1
            let terms = try NegotiationTerms(
                customerRate: Money(micros: customer, currency: F.eur), providerDeckRate: Money(micros: Int64(generator.next() % 100_000), currency: F.eur),
                minimumSpreadMicros: spread, maxBidRounds: rounds
            )
            if let opening = terms.openingBid {
                #expect(customer - opening.micros >= spread)
            }
            let round = Int(generator.next() % 6) + 1
            if case .accept(let next, let bid) = terms.decide(ask: Money(micros: Int64(generator.next() % 120_000), currency: F.eur), round: round) {
                #expect(customer - bid.micros >= spread)
                #expect(next <= rounds)
            }
        }
    }
}

@Suite struct BidLogEntryTests {
    @Test func fieldsAreCanonical() throws {
        let id = try #require(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        let entry = BidLogEntry(
            negotiationID: id, round: 1, providerID: "p1", offered: try DeckFixtures.eur("0.0100"),
            asked: try DeckFixtures.eur("0.0090"), unit: .perMinute, outcome: .counterAccepted, timeMicros: 1_717_200_000_123_456
        )
        #expect(entry.fields == [
            "negotiation_id": .string("6f9619ff-8b86-d011-b42d-00c04fc964ff"), "round": .integer(1), "provider_id": .string("p1"),
            "offered": .string("0.010000"), "asked": .string("0.009000"), "currency": .string("EUR"),
            "price_unit": .string("per-min"), "outcome": .string("counter_accepted"), "time_us": .integer(1_717_200_000_123_456),
        ])
        let answered = BidLogEntry(
            negotiationID: id, round: 2, providerID: "p1", offered: try DeckFixtures.eur("0.0090"), asked: nil,
            unit: .perMinute, outcome: .accepted, timeMicros: 1
        )
        #expect(answered.fields["asked"] == nil)
        #expect(answered.fields["outcome"] == .string("accepted"))
    }
}
