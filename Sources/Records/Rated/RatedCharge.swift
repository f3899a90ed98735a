/// One direction of a CDR's `rating` block (`customer` or `provider`, docs/cdr-format.md "Rating"), as typed members.
///
/// Amounts are the decimal strings Rating formats (six fraction digits); the node fills this from `LegCharge`.
/// The increments and `billed_s` belong to `per-min` rows, `billed_messages` to `per-msg` rows; nil members are
/// omitted, as in the dictionary the rating code built before.
public struct RatedCharge: CanonicalBlockValue {
    /// The id of the account billed (customer or provider), when named.
    public var account: String?
    public var deck: String
    public var deckVersion: String
    public var prefix: String
    /// The applied rate.
    public var rate: String
    /// The deck row's rate, only when negotiation changed the applied one.
    public var deckRate: String?
    public var priceUnit: String
    public var connectionFee: String
    public var charge: String
    public var initialIncrementSeconds: Int64?
    public var nextIncrementSeconds: Int64?
    public var minimumDurationSeconds: Int64?
    public var billedSeconds: Int64?
    public var billedMessages: Int64?

    /// A charge block; the `per-min` members and `billed_messages` are set by the caller for its unit.
    public init(
        account: String?, deck: String, deckVersion: String, prefix: String, rate: String, deckRate: String?,
        priceUnit: String, connectionFee: String, charge: String
    ) {
        self.account = account
        self.deck = deck
        self.deckVersion = deckVersion
        self.prefix = prefix
        self.rate = rate
        self.deckRate = deckRate
        self.priceUnit = priceUnit
        self.connectionFee = connectionFee
        self.charge = charge
    }

    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "account": account.map(CanonicalJSON.string),
            "billed_messages": billedMessages.map(CanonicalJSON.integer),
            "billed_s": billedSeconds.map(CanonicalJSON.integer),
            "charge": .string(charge),
            "connection_fee": .string(connectionFee),
            "deck": .string(deck),
            "deck_rate": deckRate.map(CanonicalJSON.string),
            "deck_version": .string(deckVersion),
            "initial_increment_s": initialIncrementSeconds.map(CanonicalJSON.integer),
            "minimum_duration_s": minimumDurationSeconds.map(CanonicalJSON.integer),
            "next_increment_s": nextIncrementSeconds.map(CanonicalJSON.integer),
            "prefix": .string(prefix),
            "price_unit": .string(priceUnit),
            "rate": .string(rate),
        ])
    }

    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("account", account)
        writer.member("billed_messages", billedMessages)
        writer.member("billed_s", billedSeconds)
        writer.member("charge", charge)
        writer.member("connection_fee", connectionFee)
        writer.member("deck", deck)
        writer.member("deck_rate", deckRate)
        writer.member("deck_version", deckVersion)
        writer.member("initial_increment_s", initialIncrementSeconds)
        writer.member("minimum_duration_s", minimumDurationSeconds)
        writer.member("next_increment_s", nextIncrementSeconds)
        writer.member("prefix", prefix)
        writer.member("price_unit", priceUnit)
        writer.member("rate", rate)
    }
}
