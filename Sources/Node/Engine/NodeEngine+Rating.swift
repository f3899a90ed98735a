import Rating
import Records
import SIPCore

// Between the engine and RatingBook: the route of a new session, provider capacity around each leg, and the
// health samples LCR scores providers by.
extension NodeEngine {
    /// The route of a new session from `customer`, or the status to refuse it with (no rate, no provider).
    func route(for request: SIPRequest, customer: CustomerTrunk) -> (route: SessionRoute?, refusal: Int?) {
        guard let rating else { return (.unrated(providers), nil) }
        let service: RatingService = request.method == .invite ? .voice : .message
        let digits = RoutingDestination.digits(of: request.uri)
        let decision = rating.plan(customerID: customer.id, digits: digits, at: now(), service: service)
        switch decision {
        case .unrated:
            return (.unrated(providers), nil)
        case .plan(let rated):
            return (sessionRoute(rated), nil)
        case .noProvider(let rated):
            // Carried as a session so the refusal has its CDR with the exclusions that caused it.
            var route = sessionRoute(rated)
            route.groups = []
            return (route, nil)
        case .noRate, .failed:
            return (nil, decision.refusalStatus)
        }
    }

    private func sessionRoute(_ rated: RatedRoute) -> SessionRoute {
        // Arrays sized up front and empty groups skipped as they are met: no intermediate array to filter.
        // Read from the plan and its terms (group after group), not from `rated.groups`, which builds its arrays.
        var groups: [[PlannedProvider]] = []
        groups.reserveCapacity(rated.plan.groups.count)
        var index = 0
        for group in rated.plan.groups {
            var planned: [PlannedProvider] = []
            planned.reserveCapacity(group.members.count)
            for member in group.members {
                let terms = rated.terms[index]
                index += 1
                if let target = providersByID[member.providerID] {
                    planned.append(PlannedProvider(target: target, match: member.match, terms: terms))
                }
            }
            if !planned.isEmpty {
                groups.append(planned)
            }
        }
        return SessionRoute(groups: groups, customerMatch: rated.customer, routingFields: .typed(rated.routingBlock))
    }

    /// Takes a capacity slot (max concurrent sessions, calls per second) for a leg to `providerID`.
    func admitProviderLeg(_ providerID: String) -> Bool {
        rating?.admit(providerID: providerID, at: now()) ?? true
    }

    func releaseProviderLeg(_ providerID: String) {
        rating?.release(providerID: providerID)
    }

    /// One attempt's outcome for the provider's sliding health window.
    func recordProviderAttempt(_ providerID: String, answered: Bool, startedAt: Int64, firstProvisionalAt: Int64?, endedAt: Int64) {
        let sample = AttemptSample(
            timeMicros: endedAt,
            answered: answered,
            pddMicros: firstProvisionalAt.map { $0 - startedAt },
            latencyMicros: (firstProvisionalAt ?? endedAt) - startedAt
        )
        rating?.record(providerID: providerID, sample: sample)
    }
}
