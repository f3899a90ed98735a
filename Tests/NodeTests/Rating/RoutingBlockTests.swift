import Node
import Rating
import Records
import Testing

/// The CDR's typed routing block (`LCRPlan.routingBlock`, with the attempts and `pdd_budget_spent` the session adds)
/// against the dictionary it replaced (Rating's `LCRPlan.fields` converted, the attempts as the builder wrote them):
/// equal as canonical JSON and as the bytes a CDR writes, over seeded random plans: one to seven providers, groups of
/// one to four, every exclusion reason, unhealthy providers, `per-min` and `per-msg`.
@Suite struct RoutingBlockTests {
    private struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 24
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    private static let header = RateDeckColumn.canonicalHeader

    private static func match(_ random: inout Seeded, unit: String, currency: String, name: String) throws -> RateMatch {
        // Rates from a short list, so ties and groups within tolerance are common.
        let rates = ["0.0100", "0.0104", "0.0106", "0.0120", "0.0050", "0.0149", "0.0150", "0.0200"]
        let rate = rates[random.below(rates.count)]
        let row = "44,\(rate),\(currency),\(unit),\(unit == "per-msg" ? 1 : 60),\(unit == "per-msg" ? 1 : 6),0,0,2024-01-01T00:00:00Z,"
        let deck = try RateDeckLoader.load(csv: "\(header)\n\(row)\n", name: name)
        return try #require(deck.match("4420", at: RatingFixtures.june2024))
    }

    private static func plan(_ random: inout Seeded) throws -> LCRPlan {
        let unit = random.below(3) == 0 ? "per-msg" : "per-min"
        let customer = try match(&random, unit: unit, currency: "EUR", name: "c1.csv")
        var candidates: [LCRCandidate] = []
        for index in 0..<(1 + random.below(7)) {
            let id = "p\(index)\(random.below(4) == 0 ? "\"x" : "")"
            let kind = random.below(20)
            let providerMatch: RateMatch? = switch kind {
            case 0, 1: nil
            case 2: try match(&random, unit: unit == "per-msg" ? "per-min" : "per-msg", currency: "EUR", name: "\(id).csv")
            case 3: try match(&random, unit: unit, currency: "USD", name: "\(id).csv")
            default: try match(&random, unit: unit, currency: "EUR", name: "\(id).csv")
            }
            let capacity: CapacityVerdict = [.available, .available, .available, .concurrencyExhausted, .rateExhausted][random.below(5)]
            let attempts = random.below(30)
            let health = random.below(3) == 0 ? ProviderHealth.unmeasured : ProviderHealth(
                attempts: attempts, answered: random.below(attempts + 1),
                acdMicros: random.below(2) == 0 ? nil : Int64(random.below(200_000_000)),
                meanPddMicros: Int64(random.below(9_000_000)), meanLatencyMicros: Int64(random.below(1_100_000))
            )
            candidates.append(LCRCandidate(providerID: id, match: providerMatch, health: health, capacity: capacity))
        }
        let policy = LCRPolicy(
            minimumSpreadMicros: Int64([0, 0, 1_000, 5_000][random.below(4)]), toleranceBasisPoints: Int64(random.below(2_500)),
            maxGroupSize: 1 + random.below(4)
        )
        return try LeastCostRouting.plan(customer: customer, candidates: candidates, policy: policy)
    }

    @Test func typedBlockEqualsThePlanFieldsDictionary() throws {
        var random = Seeded(state: 0x2077_1E5)
        var shapes: Set<[Int]> = []
        for _ in 0..<400 {
            let plan = try Self.plan(&random)
            shapes.insert(plan.groups.map(\.members.count) + [-plan.excluded.count])
            let block = plan.routingBlock
            var dictionary = CanonicalJSON.fields(plan.fields)
            #expect(block.canonicalJSON() == .object(dictionary))
            #expect(Self.cdrBytes(routing: .typed(block)) == Self.cdrBytes(routing: .json(.object(dictionary))))

            // The session's additions: every attempt (outcome and code when known), and the PDD budget note.
            var finished = block
            var attempts: [CanonicalJSON] = []
            finished.attempts = (0..<random.below(4)).map { number in
                let outcome = random.below(3) == 0 ? nil : ["answered", "failed_over", "cancelled"][random.below(3)]
                let code = random.below(3) == 0 ? nil : [180, 200, 486, 503][random.below(4)]
                attempts.append(.object(omittingNil: [
                    "attempt": .integer(number + 1), "provider_id": .string("p\(number)"),
                    "outcome": outcome.map { .string($0) }, "response_code": code.map(CanonicalJSON.integer),
                ]))
                return RoutingBlock.Attempt(number: number + 1, providerID: "p\(number)", outcome: outcome, responseCode: code)
            }
            dictionary["attempts"] = .array(attempts)
            if random.below(2) == 0 {
                finished.pddBudgetSpent = true
                dictionary["pdd_budget_spent"] = .bool(true)
            }
            #expect(finished.canonicalJSON() == .object(dictionary))
            #expect(Self.cdrBytes(routing: .typed(finished)) == Self.cdrBytes(routing: .json(.object(dictionary))))
        }
        // The seeds reach many shapes: several groups, groups of several providers, exclusions, no group at all.
        #expect(shapes.count > 40)
        #expect(shapes.contains { $0.first.map { $0 > 1 } ?? false })
        #expect(shapes.contains { $0.count == 1 })
    }

    /// A finished CDR carries the same routing bytes whether the session set the typed block or its JSON: the builder
    /// adds the attempts to either.
    @Test func builderAddsTheAttemptsToTypedAndJSONBlocksAlike() throws {
        var random = Seeded(state: 0xB17D)
        for _ in 0..<20 {
            let block = try Self.plan(&random).routingBlock
            var typed = CdrBuilderTests.builder()
            var json = CdrBuilderTests.builder()
            typed.routing = .typed(block)
            json.routing = .json(block.canonicalJSON())
            for number in 1...(1 + random.below(3)) {
                let bLeg = CdrBuilderTests.bLeg("b\(number)", port: 5_080)
                _ = typed.beginAttempt(provider: "p\(number)", destination: "udp:127.0.0.1:5080", bLeg: bLeg, at: 1_001_000)
                _ = json.beginAttempt(provider: "p\(number)", destination: "udp:127.0.0.1:5080", bLeg: bLeg, at: 1_001_000)
                if random.below(2) == 0 {
                    typed.endAttempt(code: 503, reason: nil, outcome: .failedOver, at: 1_002_000)
                    json.endAttempt(code: 503, reason: nil, outcome: .failedOver, at: 1_002_000)
                }
            }
            let typedCDR = try typed.finish(finalCode: 503, reason: nil, releasedBy: .provider, cause: .failure, at: 2_000_000).cdr
            let jsonCDR = try json.finish(finalCode: 503, reason: nil, releasedBy: .provider, cause: .failure, at: 2_000_000).cdr
            guard case .object(let routing)? = typedCDR.routing, case .array(let attempts)? = routing["attempts"] else {
                Issue.record("no attempts in the typed routing block")
                continue
            }
            #expect(!attempts.isEmpty)
            #expect(typedCDR.routing == jsonCDR.routing)
            #expect(Self.bytes(typedCDR) == Self.bytes(jsonCDR))
        }
    }

    static func bytes(_ cdr: CallDetailRecord) -> [UInt8] {
        var writer = CanonicalObjectWriter()
        cdr.writeCanonicalMembers(into: &writer)
        return writer.finish()
    }

    // The bytes the record writer writes for a CDR carrying `routing` (and the members around it).
    static func cdrBytes(routing: CanonicalBlock<RoutingBlock>) -> [UInt8] {
        bytes(CallDetailRecord(
            recordID: "r", nodeID: "n1", service: .voice, sessionID: "s", setupMicros: 1, firstProvisionalMicros: nil,
            firstRingingMicros: nil, answerMicros: 2, ackMicros: nil, endMicros: 3, finalCode: 200, finalReason: nil,
            q850Cause: nil, q850Text: nil, releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p1",
            attempts: 1, aLeg: CallLeg(callID: "a"), bLeg: nil, routing: routing,
            receipt: Receipt(guid: "R-1", state: .confirmed, echoed: nil, providerID: "p1")
        ))
    }
}
