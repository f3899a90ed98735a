/// A CDR's `routing` block (docs/cdr-format.md "Routing"): how least-cost routing chose the route (`groups`,
/// `excluded`), the attempts made in order (`attempts`, added when the session ends) and `pdd_budget_spent` when the
/// cascade ran out of its post-dial-delay budget.
///
/// Typed so the event loop fills it from the plan without building a dictionary per provider and per attempt (and
/// copying the whole object again to add the attempts); `canonicalJSON()` is the same object as a value.
public struct RoutingBlock: CanonicalBlockValue {
    /// Every bid group's providers, group after group; `group` numbers them (consecutive, from 0), so the block holds
    /// one array however many groups the plan has.
    public var candidates: [Candidate]
    /// Providers in no group, and why, in the order they were offered.
    public var excluded: [Exclusion]
    /// Every attempt in order and how it ended; nil until the session ends (then the member is written, even empty).
    public var attempts: [Attempt]?
    /// `true` once the cascade stopped at the PDD budget; nil (no member) otherwise.
    public var pddBudgetSpent: Bool?

    /// A block of a plan's groups and exclusions.
    public init(candidates: [Candidate], excluded: [Exclusion], attempts: [Attempt]? = nil, pddBudgetSpent: Bool? = nil) {
        self.candidates = candidates
        self.excluded = excluded
        self.attempts = attempts
        self.pddBudgetSpent = pddBudgetSpent
    }

    /// One provider of a bid group as LCR ranked it.
    public struct Candidate: Sendable, Hashable {
        /// The bid group's number (0 first).
        public var group: Int
        public var providerID: String
        /// The reference usage's cost, a decimal string.
        public var referenceCost: String
        public var healthBasisPoints: Int64
        public var score: Int64
        /// Written as `1` or `0`, as Rating's fields have it.
        public var healthy: Bool

        public init(group: Int, providerID: String, referenceCost: String, healthBasisPoints: Int64, score: Int64, healthy: Bool) {
            self.group = group
            self.providerID = providerID
            self.referenceCost = referenceCost
            self.healthBasisPoints = healthBasisPoints
            self.score = score
            self.healthy = healthy
        }

        var canonicalJSON: CanonicalJSON {
            .object([
                "provider_id": .string(providerID),
                "reference_cost": .string(referenceCost),
                "health_bp": .integer(healthBasisPoints),
                "score": .integer(score),
                "healthy": .integer(healthy ? 1 : 0),
            ])
        }

        /// `canonicalJSON`'s members in canonical order.
        func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
            writer.member("health_bp", healthBasisPoints)
            writer.member("healthy", Int64(healthy ? 1 : 0))
            writer.member("provider_id", providerID)
            writer.member("reference_cost", referenceCost)
            writer.member("score", score)
        }
    }

    /// A provider left out of the plan.
    public struct Exclusion: Sendable, Hashable {
        public var providerID: String
        /// The exclusion reason's name (`no_rate`, `spread_below_minimum`, …).
        public var reason: String

        public init(providerID: String, reason: String) {
            self.providerID = providerID
            self.reason = reason
        }

        var canonicalJSON: CanonicalJSON {
            .object(["provider_id": .string(providerID), "reason": .string(reason)])
        }

        /// `canonicalJSON`'s members in canonical order.
        func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
            writer.member("provider_id", providerID)
            writer.member("reason", reason)
        }
    }

    /// One attempt of the session: its number, provider and, when it ended with one, outcome and response code.
    public struct Attempt: Sendable, Hashable {
        public var number: Int
        public var providerID: String
        public var outcome: String?
        public var responseCode: Int?

        public init(number: Int, providerID: String, outcome: String?, responseCode: Int?) {
            self.number = number
            self.providerID = providerID
            self.outcome = outcome
            self.responseCode = responseCode
        }

        /// The attempt's object (`attempt`, `provider_id`, `outcome` and `response_code` when known).
        public var canonicalJSON: CanonicalJSON {
            // Room for all four members at once: growing the table past its first size re-allocates it.
            var members = [String: CanonicalJSON](minimumCapacity: 4)
            members["attempt"] = .integer(number)
            members["provider_id"] = .string(providerID)
            if let outcome {
                members["outcome"] = .string(outcome)
            }
            if let responseCode {
                members["response_code"] = .integer(responseCode)
            }
            return .object(members)
        }

        /// `canonicalJSON`'s members in canonical order.
        func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
            writer.member("attempt", number)
            writer.member("outcome", outcome)
            writer.member("provider_id", providerID)
            writer.member("response_code", responseCode)
        }
    }

    /// `groups` as nested arrays: a new group starts where `group` changes.
    private var groupsJSON: CanonicalJSON {
        var groups: [CanonicalJSON] = []
        // Groups are numbered from 0 without gaps: the last one's number says how many there are.
        groups.reserveCapacity((candidates.last?.group ?? -1) + 1)
        forEachGroup { group in groups.append(.array(group.map(\.canonicalJSON))) }
        return .array(groups)
    }

    /// Calls `body` with each bid group's candidates, in order: a new group starts where `group` changes.
    private func forEachGroup(_ body: (ArraySlice<Candidate>) -> Void) {
        var start = 0
        while start < candidates.count {
            var end = start + 1
            while end < candidates.count && candidates[end].group == candidates[start].group { end += 1 }
            body(candidates[start..<end])
            start = end
        }
    }

    public func canonicalJSON() -> CanonicalJSON {
        var members: [String: CanonicalJSON] = ["groups": groupsJSON, "excluded": .array(excluded.map(\.canonicalJSON))]
        if let attempts {
            members["attempts"] = .array(attempts.map(\.canonicalJSON))
        }
        if let pddBudgetSpent {
            members["pdd_budget_spent"] = .bool(pddBudgetSpent)
        }
        return .object(members)
    }

    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        if let attempts {
            writer.member("attempts", array: { array in
                for attempt in attempts {
                    array.element(object: { attempt.writeCanonicalMembers(into: &$0) })
                }
            })
        }
        writer.member("excluded", array: { array in
            for exclusion in excluded {
                array.element(object: { exclusion.writeCanonicalMembers(into: &$0) })
            }
        })
        writer.member("groups", array: { array in
            forEachGroup { candidates in
                array.element(array: { group in
                    for candidate in candidates {
                        group.element(object: { candidate.writeCanonicalMembers(into: &$0) })
                    }
                })
            }
        })
        writer.member("pdd_budget_spent", pddBudgetSpent.map(CanonicalJSON.bool))
    }
}
