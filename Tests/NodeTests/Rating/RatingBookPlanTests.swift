import Node
import Rating
import Records
import Testing

@Suite struct RatingBookPlanTests {
    private let now = RatingFixtures.june2024

    @Test func c1ToUKGetsP1ThenP2InSeparateGroups() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let route = try #require(book.plan(customerID: "c1", destination: "+442079460000", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p1"], ["p2"]])
        #expect(route.destination == "442079460000")
        #expect(route.customer.entry.rate == (try RatingFixtures.money("0.0150")))
        #expect(route.customer.deckName == "c1.csv")
        #expect(route.provider("p1")?.deckRate == (try RatingFixtures.money("0.0100")))
        #expect(route.provider("p2")?.deckRate == (try RatingFixtures.money("0.0120")))
        #expect(route.excluded.isEmpty)
        #expect(route.setupMicros == now)
        #expect(route.service == .voice)
    }

    @Test func negotiationTermsCarryMinimumSpreadAndRounds() throws {
        let settings = RatingSettings(minimumSpreadMicros: 3_000, maxBidRounds: 2)
        let book = try RatingFixtures.book(RatingFixtures.loopback(rating: settings))
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        let terms = try #require(route.provider("p1")?.terms)
        #expect(terms.maxBidRounds == 2)
        #expect(terms.minimumSpreadMicros == 3_000)
        #expect(terms.ceiling == (try RatingFixtures.money("0.0120")))
        #expect(terms.openingBid == (try RatingFixtures.money("0.0100")))
        // p2 at 0.0120 is exactly at the ceiling: still in.
        #expect(route.groupIDs == [["p1"], ["p2"]])
    }

    @Test func parallelConfigurationForksBothProvidersInOneGroup() throws {
        let book = try RatingFixtures.book(RatingFixtures.parallel())
        let voice = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(voice.groupIDs == [["p1", "p2"]])
        let message = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .message).route)
        #expect(message.groupIDs == [["p1", "p2"]])
    }

    @Test func messagesArePlannedFromTheMessageDecks() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let route = try #require(book.plan(customerID: "c1", destination: "447700900123", at: now, service: .message).route)
        #expect(route.groupIDs == [["p1"], ["p2"]])
        #expect(route.customer.entry.unit == .perMessage)
        #expect(route.customer.entry.rate == (try RatingFixtures.money("0.0040")))
        #expect(route.provider("p1")?.deckRate == (try RatingFixtures.money("0.0025")))
    }

    @Test func customerWithoutDeckIsUnrated() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        #expect(book.plan(customerID: "c2", destination: "4420", at: now, service: .voice).isUnrated)
        #expect(book.plan(customerID: "unknown", destination: "4420", at: now, service: .voice).isUnrated)
    }

    @Test func customerWithoutMessageDeckHasUnratedMessages() throws {
        var configuration = RatingFixtures.loopback()
        configuration.customers[0].messageRateDeck = nil
        let book = try RatingFixtures.book(configuration)
        #expect(book.plan(customerID: "c1", destination: "4420", at: now, service: .message).isUnrated)
        #expect(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route != nil)
    }

    @Test(arguments: ["33123456789", "service", "", "+", "44x1", "4"])
    func destinationWithoutCustomerRateIsNoRate(destination: String) throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let decision = book.plan(customerID: "c1", destination: destination, at: now, service: .voice)
        #expect(decision.isNoRate)
        #expect(decision.refusalStatus == 404)
    }

    @Test func beforeTheDeckIsInForceThereIsNoRate() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        // 2023-06-01: the example decks start on 2024-01-01.
        #expect(book.plan(customerID: "c1", destination: "4420", at: 1_685_577_600_000_000, service: .voice).isNoRate)
    }

    @Test func providerWithoutDeckIsExcludedWithNoRate() throws {
        var configuration = RatingFixtures.loopback()
        configuration.providers[1].rateDeck = nil
        let book = try RatingFixtures.book(configuration)
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p1"]])
        #expect(route.excluded.map(\.providerID) == ["p2"])
        #expect(route.excluded.map(\.reason) == [.noRate])
    }

    @Test func everyProviderBelowTheMinimumSpreadIsNoProvider() throws {
        let settings = RatingSettings(minimumSpreadMicros: 6_000)
        let book = try RatingFixtures.book(RatingFixtures.loopback(rating: settings))
        let decision = book.plan(customerID: "c1", destination: "4420", at: now, service: .voice)
        let route = try #require(decision.refusedRoute)
        #expect(route.groups.isEmpty)
        #expect(route.excluded.map(\.reason) == [.spreadBelowMinimum, .spreadBelowMinimum])
        #expect(decision.refusalStatus == 503)
    }

    @Test func routingFieldsAreThePlanFieldsOneToOne() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        let p1: CanonicalJSON = .object([
            "provider_id": .string("p1"), "reference_cost": .string("0.010000"),
            "health_bp": .integer(10_000), "score": .integer(10_000), "healthy": .integer(1),
        ])
        let p2: CanonicalJSON = .object([
            "provider_id": .string("p2"), "reference_cost": .string("0.012000"),
            "health_bp": .integer(10_000), "score": .integer(12_000), "healthy": .integer(1),
        ])
        #expect(route.fields == ["groups": .array([.array([p1]), .array([p2])]), "excluded": .array([])])
    }

    /// `RatedRoute.fields` (built as canonical JSON directly) equals Rating's `LCRPlan.fields` converted one to one,
    /// for one group per provider, both in one group, an exclusion, every provider excluded, and providers made
    /// unhealthy by failed attempts (groups of their own after the healthy ones).
    @Test func routingFieldsEqualRatingsPlanFieldsConverted() throws {
        var noDeck = RatingFixtures.loopback()
        noDeck.providers[1].rateDeck = nil
        let configurations = [
            RatingFixtures.loopback(), RatingFixtures.parallel(), noDeck,
            RatingFixtures.loopback(rating: RatingSettings(minimumSpreadMicros: 6_000)),
        ]
        for configuration in configurations {
            let book = try RatingFixtures.book(configuration)
            for round in 0..<3 {
                for destination in ["4420", "+442079460000", "44"] {
                    for service in [RatingService.voice, .message] {
                        let decision = book.plan(customerID: "c1", destination: destination, at: now, service: service)
                        guard let route = decision.route ?? decision.refusedRoute else { continue }
                        #expect(route.fields == CanonicalJSON.fields(route.plan.fields))
                    }
                }
                // Failed attempts for p1, then for both: its health drops below the healthy threshold.
                for providerID in round == 0 ? ["p1"] : ["p1", "p2"] {
                    for index in 0..<20 {
                        let sample = AttemptSample(
                            timeMicros: now - Int64(index), answered: false, pddMicros: nil, latencyMicros: 900_000
                        )
                        book.record(providerID: providerID, sample: sample)
                    }
                }
            }
        }
    }
}
