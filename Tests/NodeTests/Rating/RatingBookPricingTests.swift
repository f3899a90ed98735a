import Node
import Rating
import Records
import Testing

@Suite struct RatingBookPricingTests {
    private let now = RatingFixtures.june2024

    private func route(_ service: RatingService = .voice) throws -> (RatingBook, RatedRoute) {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let route = try #require(book.plan(customerID: "c1", destination: "+442079460000", at: now, service: service).route)
        return (book, route)
    }

    // Issue 5's example: 61 s at 6/6 → 66 s billed on both sides.
    @Test func sixtyOneSecondCallIsPricedExactly() throws {
        let (book, route) = try self.route()
        let price = try book.price(route: route, providerID: "p1", agreedProviderRate: nil, usage: .voice(durationMilliseconds: 61_000))
        #expect(price.customer.billedQuantity == 66)
        #expect(price.customer.amount.decimalString == "0.016500")
        #expect(price.provider.amount.decimalString == "0.011000")
        #expect(price.spread.decimalString == "0.005500")
        let customerVersion = route.customer.deckVersion
        let providerVersion = try #require(route.provider("p1")).match.deckVersion
        let expected: [String: CanonicalJSON] = [
            "currency": .string("EUR"),
            "spread": .string("0.005500"),
            "customer": .object([
                "deck": .string("c1.csv"), "deck_version": .string(customerVersion), "prefix": .string("44"),
                "rate": .string("0.015000"), "price_unit": .string("per-min"), "connection_fee": .string("0.000000"),
                "charge": .string("0.016500"), "initial_increment_s": .integer(6), "next_increment_s": .integer(6),
                "minimum_duration_s": .integer(0), "billed_s": .integer(66),
            ]),
            "provider": .object([
                "deck": .string("p1.csv"), "deck_version": .string(providerVersion), "prefix": .string("44"),
                "rate": .string("0.010000"), "price_unit": .string("per-min"), "connection_fee": .string("0.000000"),
                "charge": .string("0.011000"), "initial_increment_s": .integer(6), "next_increment_s": .integer(6),
                "minimum_duration_s": .integer(0), "billed_s": .integer(66),
            ]),
        ]
        #expect(price.canonicalFields == expected)
    }

    @Test func agreedRateReplacesTheProviderDeckRateOnly() throws {
        let (book, route) = try self.route()
        let agreed = try RatingFixtures.money("0.0090")
        let price = try book.price(route: route, providerID: "p1", agreedProviderRate: agreed, usage: .voice(durationSeconds: 61))
        #expect(price.customer.amount.decimalString == "0.016500")
        #expect(price.provider.amount.decimalString == "0.009900")
        #expect(price.spread.decimalString == "0.006600")
        let provider = try Self.block("provider", of: price)
        #expect(provider["rate"] == .string("0.009000"))
        #expect(provider["deck_rate"] == .string("0.010000"))
    }

    @Test func fallbackProviderIsPricedAtItsOwnDeck() throws {
        let (book, route) = try self.route()
        let price = try book.price(route: route, providerID: "p2", agreedProviderRate: nil, usage: .voice(durationSeconds: 61))
        #expect(price.provider.amount.decimalString == "0.013200")
        #expect(price.spread.decimalString == "0.003300")
    }

    @Test func messageIsPricedPerMessage() throws {
        let (book, route) = try self.route(.message)
        let price = try book.price(route: route, providerID: "p1", agreedProviderRate: nil, usage: .messages(count: 1))
        #expect(price.customer.amount.decimalString == "0.004000")
        #expect(price.provider.amount.decimalString == "0.002500")
        #expect(price.spread.decimalString == "0.001500")
        let customer = try Self.block("customer", of: price)
        #expect(customer["billed_messages"] == .integer(1))
        #expect(customer["billed_s"] == nil)
    }

    private static func block(_ name: String, of price: RatedPrice) throws -> [String: CanonicalJSON] {
        guard case .object(let fields)? = price.canonicalFields[name] else {
            throw BlockMissing(name: name)
        }
        return fields
    }

    private struct BlockMissing: Error {
        let name: String
    }

    @Test func unansweredCallCostsNothing() throws {
        let (book, route) = try self.route()
        let price = try book.price(route: route, providerID: "p1", agreedProviderRate: nil, usage: .voice(durationMilliseconds: 0))
        #expect(price.spread.micros == 0)
        #expect(price.customer.billedQuantity == 0)
    }

    @Test func providerOutsideTheRouteIsRefused() throws {
        let (book, route) = try self.route()
        #expect(throws: RatingBookError.self) {
            try book.price(route: route, providerID: "p9", agreedProviderRate: nil, usage: .voice(durationSeconds: 1))
        }
        do {
            _ = try route.price(providerID: "p9", agreedProviderRate: nil, usage: .voice(durationSeconds: 1))
        } catch {
            #expect(error.code == .unknownProvider)
        }
    }

    @Test func wrongUsageUnitIsAPricingError() throws {
        let (book, route) = try self.route()
        do {
            _ = try book.price(route: route, providerID: "p1", agreedProviderRate: nil, usage: .messages(count: 1))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .pricing)
            #expect(error.ratingError?.code == .unitMismatch)
        }
    }
}
