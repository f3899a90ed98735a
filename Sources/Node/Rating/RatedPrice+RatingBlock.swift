public import Rating
public import Records

// The CDR's rating block as typed members, built straight from the price: no dictionary of Rating's fields to build
// and convert per call on the event loop, and none to sort per record in the writer. The members and bytes are those
// of `canonicalFields(customerAccount:providerAccount:)` (RatingBlockTests compares them).
extension RatedPrice {
    /// The CDR's rating block: `currency`, `spread` and each side naming its `account`.
    public func ratingBlock(customerAccount: String?, providerAccount: String?) -> RatingBlock {
        .priced(
            currency: currency.code,
            customer: customer.ratedCharge(account: customerAccount),
            provider: provider.ratedCharge(account: providerAccount),
            spread: spread.decimalString
        )
    }
}

extension LegCharge {
    /// The charge as a CDR's `customer` or `provider` block (see `fields`: `deck_rate` only when negotiation
    /// changed the rate, increments and `billed_s` for `per-min`, `billed_messages` for `per-msg`).
    public func ratedCharge(account: String?) -> RatedCharge {
        let rateText = rate.decimalString
        var charge = RatedCharge(
            account: account, deck: deckName, deckVersion: deckVersion, prefix: prefix, rate: rateText,
            deckRate: deckRate == rate ? nil : deckRate.decimalString, priceUnit: unit.rawValue,
            connectionFee: connectionFee.decimalString, charge: amount.decimalString
        )
        switch unit {
        case .perMinute:
            charge.initialIncrementSeconds = increment.initialSeconds
            charge.nextIncrementSeconds = increment.nextSeconds
            charge.minimumDurationSeconds = minimumDurationSeconds
            charge.billedSeconds = billedQuantity
        case .perMessage:
            charge.billedMessages = billedQuantity
        }
        return charge
    }
}
