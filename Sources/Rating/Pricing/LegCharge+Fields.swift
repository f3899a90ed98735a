extension LegCharge {
    /// The charge as record fields (a CDR's `customer` or `provider` block).
    ///
    /// `rate` is the applied rate; `deck_rate` appears only when negotiation changed it.
    public var fields: [String: RatingFieldValue] {
        var fields: [String: RatingFieldValue] = [
            "deck": .string(deckName),
            "deck_version": .string(deckVersion),
            "prefix": .string(prefix),
            "rate": .string(rate.decimalString),
            "price_unit": .string(unit.rawValue),
            "connection_fee": .string(connectionFee.decimalString),
            "charge": .string(amount.decimalString),
        ]
        if deckRate != rate {
            fields["deck_rate"] = .string(deckRate.decimalString)
        }
        switch unit {
        case .perMinute:
            fields["initial_increment_s"] = .integer(increment.initialSeconds)
            fields["next_increment_s"] = .integer(increment.nextSeconds)
            fields["minimum_duration_s"] = .integer(minimumDurationSeconds)
            fields["billed_s"] = .integer(billedQuantity)
        case .perMessage:
            fields["billed_messages"] = .integer(billedQuantity)
        }
        return fields
    }
}
