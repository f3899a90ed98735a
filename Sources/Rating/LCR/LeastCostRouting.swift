/// Least-cost routing: filters, scores and groups the providers for one destination (pure).
///
/// 1. Exclude a provider without a row, with another unit or currency than the customer's row, over
///    capacity, or whose rate leaves less than `minimumSpreadMicros` below the customer rate.
/// 2. Price each remaining provider for the reference usage (`referenceDurationSeconds` of a call, or
///    one message): `cost`. Its health `h` (0...10 000, `HealthScore`) gives the score
///    `cost × (20 000 − h) / 10 000`: a perfect provider ranks at its cost, a dead one at twice it.
/// 3. Healthy providers (`h ≥ minimumHealthBasisPoints`) by score (then cost, then id) form groups:
///    a group's first provider opens it; the next joins while the group has room and its cost is within
///    `toleranceBasisPoints` of the opener's; otherwise it opens the next group.
/// 4. Unhealthy providers follow, one group each, by score.
public enum LeastCostRouting {
    /// The plan for a customer row and the providers offered.
    public static func plan(customer: RateMatch, candidates: [LCRCandidate], policy: LCRPolicy) throws(RatingError) -> LCRPlan {
        try policy.validate()
        let customerEntry = customer.entry
        let reference: Usage
        switch customerEntry.unit {
        case .perMinute:
            reference = .voice(durationSeconds: policy.referenceDurationSeconds)
        case .perMessage:
            reference = .messages(count: 1)
        }
        let ceiling = customerEntry.rate.micros.subtractingReportingOverflow(policy.minimumSpreadMicros).partialValue

        var excluded: [ExcludedProvider] = []
        var scored: [ScoredCandidate] = []
        scored.reserveCapacity(candidates.count)
        for candidate in candidates {
            if let reason = exclusion(of: candidate, customer: customerEntry, ceiling: ceiling) {
                excluded.append(ExcludedProvider(providerID: candidate.providerID, reason: reason))
                continue
            }
            guard let match = candidate.match else {
                continue  // exclusion() already refused a candidate without a match.
            }
            let cost = try LegCharge.compute(reference, match: match).amount
            let health = HealthScore.basisPoints(candidate.health, policy: policy)
            let (weighted, overflow) = cost.micros.multipliedReportingOverflow(by: 20_000 - health)
            guard !overflow else {
                throw RatingError(.overflow, reason: "the score of \(candidate.providerID) does not fit in 64 bits")
            }
            scored.append(ScoredCandidate(
                providerID: candidate.providerID, match: match, referenceCost: cost, healthBasisPoints: health,
                score: try Rounding.divideHalfUp(weighted, by: 10_000), healthy: health >= policy.minimumHealthBasisPoints
            ))
        }
        // Healthy providers first, then by score, cost and id: one sort and no filtered copies (the engine plans every call).
        scored.sort { left, right in
            guard left.healthy == right.healthy else {
                return left.healthy
            }
            return (left.score, left.referenceCost.micros, left.providerID) < (right.score, right.referenceCost.micros, right.providerID)
        }
        let healthyCount = scored.firstIndex { !$0.healthy } ?? scored.count
        var groups = try group(scored[..<healthyCount], room: scored.count, policy: policy)
        for candidate in scored[healthyCount...] {
            groups.append(BidGroup(members: [candidate]))
        }
        return LCRPlan(referenceUsage: reference, groups: groups, excluded: excluded)
    }

    private static func exclusion(of candidate: LCRCandidate, customer: RateEntry, ceiling: Int64) -> ExclusionReason? {
        guard let entry = candidate.match?.entry else {
            return .noRate
        }
        guard entry.unit == customer.unit else {
            return .unitMismatch
        }
        guard entry.rate.currency == customer.rate.currency else {
            return .currencyMismatch
        }
        switch candidate.capacity {
        case .available:
            break
        case .concurrencyExhausted:
            return .concurrencyExhausted
        case .rateExhausted:
            return .rateExhausted
        }
        guard entry.rate.micros <= ceiling else {
            return .spreadBelowMinimum
        }
        return nil
    }

    // `room`: groups to make room for, one per scored provider at most (the unhealthy ones are appended after these).
    private static func group(_ ordered: ArraySlice<ScoredCandidate>, room: Int, policy: LCRPolicy) throws(RatingError) -> [BidGroup] {
        var groups: [BidGroup] = []
        groups.reserveCapacity(room)
        var current: [ScoredCandidate] = []
        for candidate in ordered {
            if let opener = current.first, current.count < policy.maxGroupSize,
                try within(candidate.referenceCost.micros, of: opener.referenceCost.micros, basisPoints: policy.toleranceBasisPoints)
            {
                current.append(candidate)
                continue
            }
            if !current.isEmpty {
                groups.append(BidGroup(members: current))
            }
            current = [candidate]
        }
        if !current.isEmpty {
            groups.append(BidGroup(members: current))
        }
        return groups
    }

    /// `|cost − openerCost| × 10 000 ≤ openerCost × basisPoints`.
    private static func within(_ cost: Int64, of openerCost: Int64, basisPoints: Int64) throws(RatingError) -> Bool {
        let (difference, o1) = cost.subtractingReportingOverflow(openerCost)
        let (left, o2) = difference.magnitude.multipliedReportingOverflow(by: 10_000)
        let (right, o3) = openerCost.magnitude.multipliedReportingOverflow(by: UInt64(basisPoints))
        guard !o1, !o2, !o3 else {
            throw RatingError(.overflow, reason: "the tolerance comparison does not fit in 64 bits")
        }
        return left <= right
    }
}
