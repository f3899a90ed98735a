public import Foundation

/// One immutable bid round with one provider: the record the node chains as `kind` = `bidlog`.
public struct BidLogEntry: Hashable, Sendable {
    /// `X-BF-Negotiation-ID`: constant across the rounds with one provider in one session.
    public let negotiationID: UUID
    /// `X-BF-Bid-Round`, from 1.
    public let round: Int
    /// The provider bid to.
    public let providerID: String
    /// `X-BF-Bid-Price` of this round.
    public let offered: Money
    /// `X-BF-Ask-Price` the provider answered with, if any.
    public let asked: Money?
    /// The price unit (`X-BF-Price-Unit`).
    public let unit: PriceUnit
    /// How the round ended.
    public let outcome: BidOutcome
    /// When the round ended, UTC µs.
    public let timeMicros: Int64

    /// An entry.
    public init(
        negotiationID: UUID, round: Int, providerID: String, offered: Money, asked: Money?, unit: PriceUnit,
        outcome: BidOutcome, timeMicros: Int64
    ) {
        self.negotiationID = negotiationID
        self.round = round
        self.providerID = providerID
        self.offered = offered
        self.asked = asked
        self.unit = unit
        self.outcome = outcome
        self.timeMicros = timeMicros
    }

    /// The entry's record fields (without `kind`, `node` and chain fields, which the record layer adds):
    /// `negotiation_id` (lowercase UUID), `round`, `provider_id`, `offered`, `asked` (omitted when none),
    /// `currency`, `price_unit`, `outcome`, `time_us`. Amounts are decimal strings with six fraction digits.
    public var fields: [String: RatingFieldValue] {
        var fields: [String: RatingFieldValue] = [
            "negotiation_id": .string(negotiationID.uuidString.lowercased()),
            "round": .integer(Int64(round)),
            "provider_id": .string(providerID),
            "offered": .string(offered.decimalString),
            "currency": .string(offered.currency.code),
            "price_unit": .string(unit.rawValue),
            "outcome": .string(outcome.rawValue),
            "time_us": .integer(timeMicros),
        ]
        if let asked {
            fields["asked"] = .string(asked.decimalString)
        }
        return fields
    }
}
