import Rating
import Records

// The comparison rule of `ReconcileVerifier` (its doc comment states it).
extension ReconcileVerifier {
    /// Whether the peer carried the call for us or brought it to us.
    enum Direction {
        case peerIsOurProvider
        case peerIsOurCustomer
    }

    func compare(ours: [String: CanonicalJSON], theirs: [String: CanonicalJSON]) -> [ReconcileDifference] {
        guard let direction = direction(ours: ours, theirs: theirs) else {
            return [
                ReconcileDifference(
                    field: "legs", ours: Self.callIDs(ours), theirs: Self.callIDs(theirs)
                ),
            ]
        }
        let (ourSide, theirSide) = switch direction {
        case .peerIsOurProvider: ("provider", "customer")
        case .peerIsOurCustomer: ("customer", "provider")
        }
        var differences: [ReconcileDifference] = []
        let ourCurrency = Self.string(ours, "rating", "currency")
        let theirCurrency = Self.string(theirs, "rating", "currency")
        if ourCurrency != theirCurrency {
            differences.append(ReconcileDifference(field: "currency", ours: ourCurrency ?? "none", theirs: theirCurrency ?? "none"))
        }
        let ourRate = Self.string(ours, "rating", ourSide, "rate")
        let theirRate = Self.string(theirs, "rating", theirSide, "rate")
        if !Self.sameAmount(ourRate, theirRate) {
            differences.append(ReconcileDifference(field: "rate", ours: ourRate ?? "none", theirs: theirRate ?? "none"))
        }
        let ourState = Self.string(ours, "receipt", "state")
        let theirState = Self.string(theirs, "receipt", "state")
        if ourState != theirState {
            differences.append(ReconcileDifference(field: "receipt_state", ours: ourState ?? "none", theirs: theirState ?? "none"))
        }
        let toleranceMicros = tolerance.components.seconds * 1_000_000 + tolerance.components.attoseconds / 1_000_000_000_000
        for field in ["answer_us", "end_us"] {
            let ourTime = Self.integer(ours[field])
            let theirTime = Self.integer(theirs[field])
            let within = switch (ourTime, theirTime) {
            case (nil, nil): true
            case (let a?, let b?): a.subtractingReportingOverflow(b).partialValue.magnitude <= toleranceMicros.magnitude
            default: false
            }
            if !within {
                differences.append(
                    ReconcileDifference(field: field, ours: ourTime.map(String.init) ?? "none", theirs: theirTime.map(String.init) ?? "none")
                )
            }
        }
        return differences
    }

    private func direction(ours: [String: CanonicalJSON], theirs: [String: CanonicalJSON]) -> Direction? {
        let ourA = Self.string(ours, "a_leg", "call_id")
        let ourB = Self.string(ours, "b_leg", "call_id")
        let theirA = Self.string(theirs, "a_leg", "call_id")
        let theirB = Self.string(theirs, "b_leg", "call_id")
        if let ourB, ourB == theirA { return .peerIsOurProvider }
        if let ourA, ourA == theirB { return .peerIsOurCustomer }
        if ours["provider_id"] == .string(peerID) { return .peerIsOurProvider }
        if ours["customer_id"] == .string(peerID) { return .peerIsOurCustomer }
        return nil
    }

    private static func callIDs(_ fields: [String: CanonicalJSON]) -> String {
        "a_leg \(string(fields, "a_leg", "call_id") ?? "none"), b_leg \(string(fields, "b_leg", "call_id") ?? "none")"
    }

    // Rates are decimal strings; "0.0125" and "0.012500" are the same price. Unparsable text compares as text.
    private static func sameAmount(_ lhs: String?, _ rhs: String?) -> Bool {
        guard let lhs, let rhs else { return lhs == rhs }
        guard let currency = try? CurrencyCode("XXX"),
              let left = try? Money.parse(lhs, currency: currency), let right = try? Money.parse(rhs, currency: currency)
        else {
            return lhs == rhs
        }
        return left == right
    }

    private static func string(_ fields: [String: CanonicalJSON], _ path: String...) -> String? {
        var value: CanonicalJSON? = .object(fields)
        for key in path {
            guard case .object(let object)? = value else { return nil }
            value = object[key]
        }
        guard case .string(let text)? = value else { return nil }
        return text
    }

    private static func integer(_ value: CanonicalJSON?) -> Int64? {
        guard case .integer(let number)? = value else { return nil }
        return number
    }
}
