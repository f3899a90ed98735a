import Records
import Testing

/// Typed blocks of a CDR (`rating`, `negotiation`) against the dictionaries the node built before them.
@Suite struct CanonicalBlockTests {
    static let negotiation = NegotiationBlock(
        negotiationID: "5d2c", rounds: 2, maxRounds: 3, agreedRate: "0.012500", deckRate: "0.010000", currency: "EUR",
        priceUnit: "per-min"
    )

    // The members and values B2BUASession's negotiation summary had as a dictionary.
    @Test func negotiationBlockIsTheSummaryDictionary() {
        let dictionary: CanonicalJSON = .object([
            "negotiation_id": .string("5d2c"), "rounds": .integer(2), "max_rounds": .integer(3),
            "agreed_rate": .string("0.012500"), "deck_rate": .string("0.010000"), "currency": .string("EUR"),
            "price_unit": .string("per-min"),
        ])
        #expect(Self.negotiation.canonicalJSON() == dictionary)
        var writer = CanonicalObjectWriter()
        Self.negotiation.writeCanonicalMembers(into: &writer)
        #expect(writer.finish() == dictionary.canonicalBytes())
    }

    // A typed block and the same members given as JSON are one value (CDRs compare equal either way).
    @Test func typedAndJSONBlocksWithTheSameMembersAreEqual() {
        let typed = CanonicalBlock<NegotiationBlock>.typed(Self.negotiation)
        #expect(typed == .json(Self.negotiation.canonicalJSON()))
        #expect(typed != .json(.object(["rounds": .integer(2)])))
        var other = Self.negotiation
        other.rounds = 3
        #expect(typed != .typed(other))
    }
}
