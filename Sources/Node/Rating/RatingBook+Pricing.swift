public import Rating
public import Records

extension RatingBook {
    /// Prices a finished session: what the customer is charged, what `providerID` is paid and the spread.
    ///
    /// `usage` is `.voice(durationMilliseconds: cdr.durationMillis)` (every started second counts) or
    /// `.messages(count:)`. The provider is priced at `agreedProviderRate` when negotiation agreed one,
    /// else at its deck rate; the customer always at its own deck rate. The rows are the route's, so a
    /// deck reload during the call does not change its price.
    public func price(route: RatedRoute, providerID: String, agreedProviderRate: Money?, usage: Usage) throws(RatingBookError) -> RatedPrice {
        try route.price(providerID: providerID, agreedProviderRate: agreedProviderRate, usage: usage)
    }
}

extension RatedRoute {
    /// The session's three-direction price with `providerID` (see `RatingBook.price`).
    public func price(providerID: String, agreedProviderRate: Money?, usage: Usage) throws(RatingBookError) -> RatedPrice {
        guard let provider = self.provider(providerID) else {
            throw RatingBookError(.unknownProvider, reason: "provider \"\(providerID)\" is in no bid group of this route")
        }
        do {
            return try RatedPrice.rate(usage, customer: self.customer, provider: provider.match, negotiatedProviderRate: agreedProviderRate)
        } catch {
            throw RatingBookError(.pricing, reason: error.reason, ratingError: error)
        }
    }
}

extension RatedPrice {
    /// The price as canonical JSON: `currency`, `spread`, and the `customer` and `provider` objects (deck, version,
    /// prefix, rate, increments, billed quantity, charge), as Rating's `fields`.
    public var canonicalFields: [String: CanonicalJSON] {
        canonicalFields(customerAccount: nil, providerAccount: nil)
    }

    /// The CDR's rating block: `canonicalFields` with each side naming its `account`.
    public func canonicalFields(customerAccount: String?, providerAccount: String?) -> [String: CanonicalJSON] {
        CanonicalJSON.fields(self.fields(customerAccount: customerAccount, providerAccount: providerAccount))
    }
}
