public import Rating
public import Records

extension LCRPlan {
    /// The CDR's routing block: the groups (each provider's `provider_id`, `reference_cost`, `health_bp`, `score`,
    /// `healthy`) and `excluded` (`provider_id`, `reason`), the members of `fields`.
    ///
    /// Built on the event loop once per rated call: one array for every group's providers, none for an empty
    /// exclusion list, no dictionary (RoutingBlockTests compares its bytes with `fields` converted).
    public var routingBlock: RoutingBlock {
        var count = 0
        for group in groups {
            count += group.members.count
        }
        var candidates: [RoutingBlock.Candidate] = []
        candidates.reserveCapacity(count)
        for (index, group) in groups.enumerated() {
            for member in group.members {
                candidates.append(RoutingBlock.Candidate(
                    group: index, providerID: member.providerID, referenceCost: member.referenceCost.decimalString,
                    healthBasisPoints: member.healthBasisPoints, score: member.score, healthy: member.healthy
                ))
            }
        }
        let excluded = excluded.map { RoutingBlock.Exclusion(providerID: $0.providerID, reason: $0.reason.rawValue) }
        return RoutingBlock(candidates: candidates, excluded: excluded)
    }
}
