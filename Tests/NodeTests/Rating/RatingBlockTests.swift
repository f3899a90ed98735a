import Node
import Rating
import Records
import Testing

/// The CDR's typed rating block (`RatedPrice.ratingBlock`) against the dictionary it replaced
/// (`canonicalFields(customerAccount:providerAccount:)`, Rating's `fields` converted): equal as canonical JSON and
/// as the bytes a CDR writes, on seeded random `per-min` and `per-msg` rows, usages, negotiated rates and accounts.
@Suite struct RatingBlockTests {
    @Test func typedBlockEqualsTheFieldsDictionary() throws {
        var state: UInt64 = 0xB10C
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 24
        }
        let increments = [(60, 60), (30, 6), (6, 6), (1, 1), (45, 15)]
        for _ in 0..<300 {
            let unit = next() % 3 == 0 ? "per-msg" : "per-min"
            func row(_ prefix: String) -> String {
                let (initial, following) = increments[Int(next() % UInt64(increments.count))]
                let (first, then) = unit == "per-msg" ? (1, 1) : (initial, following)
                let rate = "0.\(String(next() % 1_000_000 + 1_000_000).dropFirst())"
                let fee = next() % 2 == 0 ? "0" : "0.00\(next() % 1_000)"
                let minimum = unit == "per-msg" ? 0 : Int(next() % 90)
                return "\(prefix),\(rate),EUR,\(unit),\(first),\(then),\(fee),\(minimum),2024-01-01T00:00:00Z,"
            }
            let header = RateDeckColumn.canonicalHeader
            let customerDeck = try RateDeckLoader.load(csv: "\(header)\n\(row("44"))\n", name: "c\(next() % 9).csv")
            let providerDeck = try RateDeckLoader.load(csv: "\(header)\n\(row("4"))\n", name: "p\(next() % 9).csv")
            let customer = try #require(customerDeck.match("4420", at: RatingFixtures.june2024))
            let provider = try #require(providerDeck.match("4420", at: RatingFixtures.june2024))
            let usage: Usage = unit == "per-msg"
                ? .messages(count: Int64(next() % 3)) : .voice(durationMilliseconds: Int64(next() % 4_000_000))
            // No negotiation, an agreed rate equal to the deck's, or another one.
            let agreed: Money? = switch next() % 3 {
            case 0: nil
            case 1: provider.entry.rate
            default: Money(micros: Int64(next() % 50_000), currency: provider.entry.rate.currency)
            }
            let price = try RatedPrice.rate(usage, customer: customer, provider: provider, negotiatedProviderRate: agreed)
            let accounts: (String?, String?) = next() % 4 == 0 ? (nil, nil) : ("c\(next() % 5)", next() % 5 == 0 ? nil : "p\"1")
            let typed = CanonicalBlock<RatingBlock>.typed(price.ratingBlock(customerAccount: accounts.0, providerAccount: accounts.1))
            let dictionary = CanonicalJSON.object(price.canonicalFields(customerAccount: accounts.0, providerAccount: accounts.1))
            #expect(typed.canonicalJSON == dictionary)
            #expect(Self.cdrBytes(rating: typed) == Self.cdrBytes(rating: .json(dictionary)))
        }
    }

    @Test func unpricedBlockIsTheErrorObject() {
        let block = CanonicalBlock<RatingBlock>.typed(.unpriced(reason: "customer rate per-min, provider rate per-msg"))
        #expect(block.canonicalJSON == .object(["error": .string("customer rate per-min, provider rate per-msg")]))
        #expect(Self.cdrBytes(rating: block) == Self.cdrBytes(rating: .json(block.canonicalJSON)))
    }

    // The bytes the record writer writes for a CDR carrying `rating`.
    static func cdrBytes(rating: CanonicalBlock<RatingBlock>) -> [UInt8] {
        let cdr = CallDetailRecord(
            recordID: "r", nodeID: "n1", service: .voice, sessionID: "s", setupMicros: 1, firstProvisionalMicros: nil,
            firstRingingMicros: nil, answerMicros: 2, ackMicros: nil, endMicros: 3, finalCode: 200, finalReason: nil,
            q850Cause: nil, q850Text: nil, releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p1",
            attempts: 1, aLeg: CallLeg(callID: "a"), bLeg: nil, rating: rating
        )
        var writer = CanonicalObjectWriter()
        cdr.writeCanonicalMembers(into: &writer)
        return writer.finish()
    }
}
