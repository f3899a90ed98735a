import Foundation
import Node
import Rating
import Testing

/// Rate sync's side of the book: one deck replaced atomically from a `ratesync` update, or refused with the deck in
/// force untouched.
@Suite struct RatingBookUpdateTests {
    private let now = RatingFixtures.june2024
    private static let header =
        "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until\n"

    private func update(_ rows: String, id: String = "p2", unit: PriceUnit = .perMinute) -> RateDeckUpdate {
        RateDeckUpdate(trunk: .provider, id: id, unit: unit, name: "\(id)-update.csv", csv: Self.header + rows + "\n")
    }

    @Test func anUpdateReplacesOneDeckAndReordersTheBidGroups() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        #expect(try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route).groupIDs == [["p1"], ["p2"]])
        // Sent over the stream and decoded, as a node receives it.
        let received = try RateDeckUpdate.decode(update("44,0.0090,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,").encoded())
        let version = try book.apply(received)
        #expect(version.contains("p2-update.csv"))
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p2"], ["p1"]])
        let price = try route.price(providerID: "p2", agreedProviderRate: nil, usage: .voice(durationSeconds: 60))
        #expect(price.provider.amount.decimalString == "0.009000")
    }

    @Test func aBadDeckIsRefusedAndTheDeckInForceStays() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        let bad = [
            update("44,-0.0090,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,"),          // negative rate
            update("44,0.0090,EUR,per-msg,,,0,,2024-01-01T00:00:00Z,"),               // a per-msg row in a per-min update
            update("44,0.0090,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,", id: "p9"), // no such provider
        ]
        for update in bad {
            #expect(throws: RatingBookError.self) { try book.apply(update) }
        }
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p1"], ["p2"]])
        let price = try route.price(providerID: "p2", agreedProviderRate: nil, usage: .voice(durationSeconds: 60))
        #expect(price.provider.amount.decimalString == "0.012000")
    }

    @Test func messagesThatAreNotUpdatesAreTypedErrors() {
        #expect(throws: RatingBookError.self) { try RateDeckUpdate.decode(Array("not json".utf8)) }
        #expect(throws: RatingBookError.self) {
            try RateDeckUpdate.decode(Array(#"{"format":"other","trunk":"provider","id":"p1","unit":"per-min","name":"x","csv":""}"#.utf8))
        }
        #expect(throws: RatingBookError.self) {
            try RateDeckUpdate.decode(Array(#"{"format":"sipswarm-rate-deck-1","trunk":"provider","id":"p1","unit":"per-hour","name":"x","csv":""}"#.utf8))
        }
        #expect(throws: RatingBookError.self) { try RateDeckUpdate.decode([UInt8](repeating: 32, count: RateDeckUpdate.maxBytes + 1)) }
    }
}
