import Rating

/// The node's rating state: decks, provider health windows and capacity counters, and the one call
/// the engine makes per new session (`plan`).
///
/// Confined to the SIP event loop, like every session: a final class that is deliberately not
/// `Sendable`, so the compiler keeps it on the loop that owns it. Nothing in it locks or awaits.
/// Decks live in an immutable `RatingSnapshot`; a reload swaps the snapshot whole, while health and
/// capacity (which the traffic built up) carry over for providers that stay.
public final class RatingBook {
    /// The decks and policy in force.
    public internal(set) var snapshot: RatingSnapshot
    /// Each provider's capacity counter and health window, at its state slot (`slots`): `plan` reads them by
    /// position, with no string hashing per provider per call.
    var capacities: [ProviderCapacity?] = []
    var health: [ProviderHealthWindow] = []
    /// For each of `snapshot.providers`, the slot of its state: the position of the first provider with its id (a
    /// repeated id shares one state, as it did when the state was keyed by id).
    var slots: [Int] = []
    /// The slot of each provider id, for what the engine reports by id (`admit`, `release`, `record`).
    var slotsByID: [String: Int] = [:]
    /// `plan`'s candidate list, kept between calls so it is not allocated per call (emptied, capacity kept).
    private var candidates: [LCRCandidate] = []

    /// Loads every deck `configuration` names; throws the first refused deck or setting.
    ///
    /// `timeMicros` starts the providers' calls-per-second buckets (full) on the node's clock.
    public convenience init(configuration: NodeConfiguration, at timeMicros: Int64) throws(RatingBookError) {
        self.init(snapshot: try RatingSnapshot.load(configuration, at: timeMicros))
    }

    /// Uses decks loaded earlier, possibly on another thread: load the (`Sendable`) snapshot off the
    /// event loop, then create the book on the loop that will own it.
    public init(snapshot: RatingSnapshot) {
        self.snapshot = snapshot
        self.install(snapshot)
    }

    /// The routing decision for a new session of `customerID` to `destination` at `timeMicros` (its setup time).
    ///
    /// `destination` is the Request-URI's user part or number as received (`RoutingDestination`
    /// extracts the digits). Capacity is only looked at here; `admit` takes it when a leg starts.
    public func plan(customerID: String, destination: String, at timeMicros: Int64, service: RatingService) -> RoutingDecision {
        plan(customerID: customerID, digits: RoutingDestination.digits(from: destination), at: timeMicros, service: service)
    }

    /// `plan` of a destination already reduced to its digits by `RoutingDestination` (nil: not a number), as the engine
    /// has it from the Request-URI: not extracted a second time.
    func plan(customerID: String, digits: String?, at timeMicros: Int64, service: RatingService) -> RoutingDecision {
        guard let trunk = self.snapshot.customers[customerID], trunk.rates(service) else {
            return .unrated
        }
        guard let digits,
              let customer = trunk.match(digits, at: timeMicros, service: service),
              customer.entry.unit == service.priceUnit
        else {
            return .noRate
        }
        self.candidates.removeAll(keepingCapacity: true)
        // Each trunk is copied here (a buffer pointer does not avoid it); RateDeck being a class keeps that cheap.
        for (position, provider) in self.snapshot.providers.enumerated() {
            let slot = self.slots[position]
            self.candidates.append(LCRCandidate(
                providerID: provider.id,
                match: provider.match(digits, at: timeMicros, service: service),
                health: self.health[slot].snapshot(at: timeMicros),
                capacity: self.capacities[slot]?.verdict(at: timeMicros) ?? .available
            ))
        }
        let route: RatedRoute
        do {
            let plan = try LeastCostRouting.plan(customer: customer, candidates: self.candidates, policy: self.snapshot.policy)
            route = RatedRoute(
                customerID: customerID, destination: digits, service: service, setupMicros: timeMicros,
                customer: customer, terms: try self.terms(plan, customer: customer), excluded: plan.excluded, plan: plan
            )
        } catch {
            return .failed(error)
        }
        return route.plan.groups.isEmpty ? .noProvider(route) : .plan(route)
    }

    // Every grouped provider's bid/ask terms, group after group (`RatedRoute.terms`).
    private func terms(_ plan: LCRPlan, customer: RateMatch) throws(RatingError) -> [NegotiationTerms] {
        var count = 0
        for group in plan.groups {
            count += group.members.count
        }
        var terms: [NegotiationTerms] = []
        terms.reserveCapacity(count)
        for group in plan.groups {
            for member in group.members {
                terms.append(try NegotiationTerms(
                    customerRate: customer.entry.rate, providerDeckRate: member.match.entry.rate,
                    minimumSpreadMicros: self.snapshot.policy.minimumSpreadMicros, maxBidRounds: self.snapshot.maxBidRounds
                ))
            }
        }
        return terms
    }
}
