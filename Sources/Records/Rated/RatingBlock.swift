/// A CDR's `rating` block (docs/cdr-format.md "Rating"): the price in three directions, or why the session could
/// not be priced (`{"error": …}`, a deck pair that cannot be priced together).
public enum RatingBlock: CanonicalBlockValue {
    /// `currency`, `customer`, `provider`, `spread`. Boxed (`indirect`): the block's two dozen strings are then
    /// retained once, not one by one, each time the session's builder and the CDR copy it.
    indirect case priced(currency: String, customer: RatedCharge, provider: RatedCharge, spread: String)
    /// `error`: the reason.
    case unpriced(reason: String)

    public func canonicalJSON() -> CanonicalJSON {
        switch self {
        case .priced(let currency, let customer, let provider, let spread):
            .object([
                "currency": .string(currency),
                "customer": customer.canonicalJSON(),
                "provider": provider.canonicalJSON(),
                "spread": .string(spread),
            ])
        case .unpriced(let reason):
            .object(["error": .string(reason)])
        }
    }

    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        switch self {
        case .priced(let currency, let customer, let provider, let spread):
            writer.member("currency", currency)
            writer.member("customer", object: customer)
            writer.member("provider", object: provider)
            writer.member("spread", spread)
        case .unpriced(let reason):
            writer.member("error", reason)
        }
    }
}
