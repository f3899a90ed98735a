/// A CDR's `negotiation` block: the carrying provider's bid/ask negotiation (docs/cdr-format.md, negotiation.md).
public struct NegotiationBlock: CanonicalBlockValue {
    public var negotiationID: String
    /// The last round played.
    public var rounds: Int
    public var maxRounds: Int
    /// The agreed provider rate and the deck's, decimal strings.
    public var agreedRate: String
    public var deckRate: String
    public var currency: String
    public var priceUnit: String

    /// A negotiation block.
    public init(
        negotiationID: String, rounds: Int, maxRounds: Int, agreedRate: String, deckRate: String, currency: String,
        priceUnit: String
    ) {
        self.negotiationID = negotiationID
        self.rounds = rounds
        self.maxRounds = maxRounds
        self.agreedRate = agreedRate
        self.deckRate = deckRate
        self.currency = currency
        self.priceUnit = priceUnit
    }

    public func canonicalJSON() -> CanonicalJSON {
        .object([
            "negotiation_id": .string(negotiationID),
            "rounds": .integer(rounds),
            "max_rounds": .integer(maxRounds),
            "agreed_rate": .string(agreedRate),
            "deck_rate": .string(deckRate),
            "currency": .string(currency),
            "price_unit": .string(priceUnit),
        ])
    }

    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("agreed_rate", agreedRate)
        writer.member("currency", currency)
        writer.member("deck_rate", deckRate)
        writer.member("max_rounds", maxRounds)
        writer.member("negotiation_id", negotiationID)
        writer.member("price_unit", priceUnit)
        writer.member("rounds", rounds)
    }
}
