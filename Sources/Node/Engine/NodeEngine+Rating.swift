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
        let destination = RoutingDestination.digits(of: request.uri) ?? ""
        let decision = rating.plan(customerID: customer.id, destination: destination, at: now(), service: service)
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
        let targets = providersByID
        let groups: [[PlannedProvider]] = rated.groups.map { group in
            group.compactMap { routed in
                targets[routed.providerID].map { PlannedProvider(target: $0, match: routed.match, terms: routed.terms) }
            }
        }.filter { !$0.isEmpty }
        return SessionRoute(groups: groups, customerMatch: rated.customer, routingFields: .object(rated.fields))
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
