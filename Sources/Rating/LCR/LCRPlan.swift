/// Providers forked in parallel: the first 2xx wins, the others are cancelled.
public struct BidGroup: Hashable, Sendable {
    /// The group's providers, best score first.
    public let members: [ScoredCandidate]
}

/// The outcome of least-cost routing: bid groups tried one after the other (sequential cascade),
/// each forked in parallel, plus the providers left out.
public struct LCRPlan: Hashable, Sendable {
    /// The usage every provider was priced at for ranking.
    public let referenceUsage: Usage
    /// Bid groups, first tried first; empty when no provider qualifies.
    public let groups: [BidGroup]
    /// Providers in no group, in the order they were offered.
    public let excluded: [ExcludedProvider]

    /// The plan as record fields (a CDR's routing path): `groups` (arrays of provider objects with
    /// `provider_id`, `reference_cost`, `health_bp`, `score`, `healthy`) and `excluded`.
    public var fields: [String: RatingFieldValue] {
        let groups = groups.map { group in
            RatingFieldValue.array(group.members.map { member in
                .object([
                    "provider_id": .string(member.providerID),
                    "reference_cost": .string(member.referenceCost.decimalString),
                    "health_bp": .integer(member.healthBasisPoints),
                    "score": .integer(member.score),
                    "healthy": .integer(member.healthy ? 1 : 0),
                ])
            })
        }
        let excluded = excluded.map { provider in
            RatingFieldValue.object(["provider_id": .string(provider.providerID), "reason": .string(provider.reason.rawValue)])
        }
        return ["groups": .array(groups), "excluded": .array(excluded)]
    }
}
