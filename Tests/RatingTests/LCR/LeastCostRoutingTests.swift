import Testing

@testable import Rating

@Suite struct LeastCostRoutingTests {
    typealias F = DeckFixtures

    static func match(_ rate: String, deck: String, unit: String = "per-min", currency: String = "EUR") throws -> RateMatch {
        try #require(try F.deck([F.row("44", rate: rate, currency: currency, unit: unit)], name: deck).match("4420", at: F.june2024))
    }

    static func candidate(
        _ id: String, _ rate: String?, health: ProviderHealth = .unmeasured, capacity: CapacityVerdict = .available
    ) throws -> LCRCandidate {
        LCRCandidate(providerID: id, match: try rate.map { try match($0, deck: "\(id).csv") }, health: health, capacity: capacity)
    }

    static func health(attempts: Int, answered: Int) -> ProviderHealth {
        ProviderHealth(attempts: attempts, answered: answered, acdMicros: nil, meanPddMicros: nil, meanLatencyMicros: nil)
    }

    /// Issue 5: c1 pays 0.0150; p1 costs 0.0100 and p2 0.0120, 20 % apart: two sequential groups.
    @Test func cheapestFirstThenFallback() throws {
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [try Self.candidate("p2", "0.0120"), try Self.candidate("p1", "0.0100")],
            policy: LCRPolicy()
        )
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["p1"], ["p2"]])
        // Reference call 60 s at 60/60 costs exactly the per-minute rate.
        #expect(plan.groups[0].members[0].referenceCost.micros == 10_000)
        #expect(plan.groups[0].members[0].score == 10_000)
        #expect(plan.referenceUsage == .voice(durationSeconds: 60))
    }

    @Test func groupsWithinToleranceExcludesAndDemotesUnhealthy() throws {
        let healthyRecord = Self.health(attempts: 20, answered: 20)
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [
                try Self.candidate("p1", "0.0100", health: healthyRecord),
                // |10 400 − 10 000| × 10 000 = 4 000 000 ≤ 10 000 × 500 = 5 000 000: same group as p1.
                try Self.candidate("p3", "0.0104"),
                // 10 600: 6 000 000 > 5 000 000: next group.
                try Self.candidate("p2", "0.0106"),
                try Self.candidate("p4", nil),
                try Self.candidate("p5", "0.0090", capacity: .concurrencyExhausted),
                try Self.candidate("p6", "0.0090", capacity: .rateExhausted),
                // With a 0.0010 minimum spread the ceiling is 0.0140.
                try Self.candidate("p7", "0.0141"),
                // Cheapest, but ASR 10 %, PDD and latency at their budgets over 20 attempts:
                // (1 000×50 + 10 000×10 + 0×25 + 0×15) / 100 = 1 500 bp < 5 000: alone, after every healthy group.
                try Self.candidate("p8", "0.0050", health: ProviderHealth(
                    attempts: 20, answered: 2, acdMicros: nil, meanPddMicros: 8_000_000, meanLatencyMicros: 1_000_000
                )),
                LCRCandidate(providerID: "p9", match: try Self.match("0.0100", deck: "p9.csv", currency: "USD"), health: .unmeasured, capacity: .available),
                LCRCandidate(providerID: "p10", match: try Self.match("0.0100", deck: "p10.csv", unit: "per-msg"), health: .unmeasured, capacity: .available),
                try Self.candidate("p11", "0.0140"),  // exactly at the ceiling: kept
            ],
            policy: LCRPolicy(minimumSpreadMicros: 1_000)
        )
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["p1", "p3"], ["p2"], ["p11"], ["p8"]])
        #expect(plan.excluded.map(\.providerID) == ["p4", "p5", "p6", "p7", "p9", "p10"])
        #expect(plan.excluded.map(\.reason) == [.noRate, .concurrencyExhausted, .rateExhausted, .spreadBelowMinimum, .currencyMismatch, .unitMismatch])
        let p8 = plan.groups[3].members[0]
        #expect(p8.healthBasisPoints == 1_500)
        #expect(!p8.healthy)
        // Score 5 000 × (20 000 − 1 500) / 10 000 = 9 250 µ; it still comes last.
        #expect(p8.score == 9_250)
    }

    @Test func healthScoreWorkedExample() throws {
        let policy = LCRPolicy()
        // ASR 8 000 bp; ACD 60 s of 120 s target = 5 000; PDD 2 s of 8 s budget = 7 500; latency 0.5 s of 1 s = 5 000.
        // (8 000×50 + 5 000×10 + 7 500×25 + 5 000×15) / 100 = (400 000 + 50 000 + 187 500 + 75 000) / 100 = 7 125.
        let health = ProviderHealth(attempts: 10, answered: 8, acdMicros: 60_000_000, meanPddMicros: 2_000_000, meanLatencyMicros: 500_000)
        #expect(HealthScore.basisPoints(health, policy: policy) == 7_125)
        // Fewer than 10 samples: not enough evidence, full marks.
        let young = ProviderHealth(attempts: 9, answered: 0, acdMicros: nil, meanPddMicros: nil, meanLatencyMicros: nil)
        #expect(HealthScore.basisPoints(young, policy: policy) == 10_000)
        // Over budget saturates at zero for that metric.
        let slow = ProviderHealth(attempts: 10, answered: 10, acdMicros: 500_000_000, meanPddMicros: 20_000_000, meanLatencyMicros: 9_000_000)
        #expect(HealthScore.basisPoints(slow, policy: policy) == 6_000)  // (10 000×50 + 10 000×10) / 100
    }

    @Test func aHealthyEnoughCheapProviderLeads() throws {
        // ASR 10 % with no other data: (1 000×50 + 10 000×50) / 100 = 5 500 ≥ 5 000: healthy, and cheapest.
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [try Self.candidate("p1", "0.0100"), try Self.candidate("p8", "0.0050", health: Self.health(attempts: 20, answered: 2))],
            policy: LCRPolicy()
        )
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["p8"], ["p1"]])
        #expect(plan.groups[0].members[0].healthBasisPoints == 5_500)
    }

    @Test func scoreIsCostWeightedByHealth() throws {
        // cost 10 000 µ, health 7 125: 10 000 × (20 000 − 7 125) / 10 000 = 12 875.
        let health = ProviderHealth(attempts: 10, answered: 8, acdMicros: 60_000_000, meanPddMicros: 2_000_000, meanLatencyMicros: 500_000)
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [try Self.candidate("p1", "0.0100", health: health), try Self.candidate("p2", "0.0125")],
            policy: LCRPolicy(toleranceBasisPoints: 0)
        )
        #expect(plan.groups[0].members[0].score == 12_500)  // p2: unmeasured, score = cost
        #expect(plan.groups[1].members[0].score == 12_875)
    }

    @Test func unhealthyProvidersComeLastOneByOne() throws {
        let dead = ProviderHealth(attempts: 50, answered: 0, acdMicros: nil, meanPddMicros: 8_000_000, meanLatencyMicros: 1_000_000)
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [
                try Self.candidate("dead1", "0.0050", health: dead), try Self.candidate("dead2", "0.0051", health: dead),
                try Self.candidate("ok", "0.0130"),
            ],
            policy: LCRPolicy()
        )
        // dead: ASR 0, ACD none (10 000), PDD 0, latency 0: (0 + 10 000×10 + 0 + 0) / 100 = 1 000 bp.
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["ok"], ["dead1"], ["dead2"]])
        #expect(plan.groups[1].members[0].healthBasisPoints == 1_000)
        #expect(plan.groups[1].members[0].healthy == false)
    }

    @Test func capsGroupSizeAndBreaksTiesById() throws {
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: ["d", "c", "b", "a"].map { try Self.candidate($0, "0.0100") },
            policy: LCRPolicy(maxGroupSize: 3)
        )
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["a", "b", "c"], ["d"]])
    }

    @Test func messagesAreRankedPerMessage() throws {
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0040", deck: "c1.csv", unit: "per-msg"),
            candidates: [
                LCRCandidate(providerID: "p2", match: try Self.match("0.0030", deck: "p2.csv", unit: "per-msg"), health: .unmeasured, capacity: .available),
                LCRCandidate(providerID: "p1", match: try Self.match("0.0025", deck: "p1.csv", unit: "per-msg"), health: .unmeasured, capacity: .available),
            ],
            policy: LCRPolicy()
        )
        #expect(plan.referenceUsage == .messages(count: 1))
        #expect(plan.groups.map { $0.members.map(\.providerID) } == [["p1"], ["p2"]])
    }

    @Test func planFieldsListGroupsAndExclusions() throws {
        let plan = try LeastCostRouting.plan(
            customer: try Self.match("0.0150", deck: "c1.csv"),
            candidates: [try Self.candidate("p1", "0.0100"), try Self.candidate("p4", nil)],
            policy: LCRPolicy()
        )
        #expect(plan.fields == [
            "groups": .array([.array([.object([
                "provider_id": .string("p1"), "reference_cost": .string("0.010000"), "health_bp": .integer(10_000),
                "score": .integer(10_000), "healthy": .integer(1),
            ])])]),
            "excluded": .array([.object(["provider_id": .string("p4"), "reason": .string("no_rate")])]),
        ])
    }

    @Test func refusesAnInvalidPolicy() throws {
        let customer = try Self.match("0.0150", deck: "c1.csv")
        for policy in [LCRPolicy(referenceDurationSeconds: 0), LCRPolicy(minimumSpreadMicros: -1), LCRPolicy(maxGroupSize: 0), LCRPolicy(weights: HealthWeights(asr: 0, acd: 0, pdd: 0, latency: 0))] {
            #expect(throws: RatingError.self) { try LeastCostRouting.plan(customer: customer, candidates: [], policy: policy) }
        }
    }
}
