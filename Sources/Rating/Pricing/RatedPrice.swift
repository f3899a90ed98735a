/// The three-direction price of a session: customer charge, provider cost and the spread between them.
///
/// `spread = customer.amount − provider.amount`, exactly (both are already rounded micro-units, so
/// the subtraction is exact). It can be negative when a deck makes the node lose money on a call.
public struct RatedPrice: Hashable, Sendable {
    /// What the customer is charged.
    public let customer: LegCharge
    /// What the provider is paid.
    public let provider: LegCharge
    /// `customer.amount − provider.amount`.
    public let spread: Money

    /// The currency of all three amounts.
    public var currency: CurrencyCode { spread.currency }

    /// Prices `usage` on both sides; the provider at `negotiatedProviderRate` when negotiation agreed one.
    ///
    /// Both rows must have the same currency (there is no FX) and the same price unit.
    public static func rate(
        _ usage: Usage, customer: RateMatch, provider: RateMatch, negotiatedProviderRate: Money? = nil
    ) throws(RatingError) -> RatedPrice {
        guard customer.entry.unit == provider.entry.unit else {
            throw RatingError(.unitMismatch, reason: "customer rate \(customer.entry.unit.rawValue), provider rate \(provider.entry.unit.rawValue)")
        }
        let customerCharge = try LegCharge.compute(usage, match: customer)
        let providerCost = try LegCharge.compute(usage, match: provider, rate: negotiatedProviderRate)
        let spread = try customerCharge.amount.subtracting(providerCost.amount)
        return RatedPrice(customer: customerCharge, provider: providerCost, spread: spread)
    }

    /// The price as record fields: `currency`, `customer`, `provider`, `spread`.
    public var fields: [String: RatingFieldValue] {
        fields(customerAccount: nil, providerAccount: nil)
    }

    /// `fields` with each block naming the account it bills (`account`: the customer's and the provider's id), so
    /// a block read on its own says whose charge it is.
    public func fields(customerAccount: String?, providerAccount: String?) -> [String: RatingFieldValue] {
        var customerBlock = customer.fields
        customerBlock["account"] = customerAccount.map(RatingFieldValue.string)
        var providerBlock = provider.fields
        providerBlock["account"] = providerAccount.map(RatingFieldValue.string)
        return [
            "currency": .string(currency.code),
            "customer": .object(customerBlock),
            "provider": .object(providerBlock),
            "spread": .string(spread.decimalString),
        ]
    }
}
