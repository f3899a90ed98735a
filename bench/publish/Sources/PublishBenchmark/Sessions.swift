import Records

/// A rated call as the node records it: both legs, two attempts (a failover), rating, negotiation, routing, receipt
/// and quality filled like the example in docs/cdr-format.md. Its CDR line is about 2.3 KB.
func benchSession(_ index: Int, nodeID: String) -> SessionRecords {
    let aLeg = CallLeg(
        callID: "a84b4c76e66710-\(index)@198.51.100.7", localTag: "sw-a-\(index)", remoteTag: "9fxced76sl",
        fromURI: "sip:+4930123456@customer.example", toURI: "sip:+12125550100@sipswarm.example",
        pAssertedIdentity: "sip:+4930123456@customer.example", source: "udp:198.51.100.7:5060",
        destination: "udp:203.0.113.10:5060", transport: .udp, userAgent: "PBX/1.0"
    )
    let bLeg = CallLeg(
        callID: "sw-b-\(index)@203.0.113.10", localTag: "sw-b-\(index)", remoteTag: "4711",
        fromURI: "sip:+4930123456@sipswarm.example", toURI: "sip:+12125550100@provider.example",
        source: "udp:203.0.113.10:5060", destination: "udp:192.0.2.20:5060", transport: .udp, userAgent: "Carrier-SBC"
    )
    let setup: Int64 = 1_764_000_000_000_000 + Int64(index) * 1_000
    let cdr = CallDetailRecord(
        recordID: "cdr-\(index)", nodeID: nodeID, service: .voice, sessionID: "s-\(index)",
        setupMicros: setup, firstProvisionalMicros: setup + 20_000, firstRingingMicros: setup + 900_000,
        answerMicros: setup + 4_000_000, ackMicros: setup + 4_001_000, endMicros: setup + 65_000_000,
        finalCode: 200, finalReason: "OK", q850Cause: nil, q850Text: nil,
        releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p2", attempts: 2,
        aLeg: aLeg, bLeg: bLeg,
        rating: rating, negotiation: negotiation(index), routing: routing,
        receipt: Receipt(guid: "R-\(index)", state: .confirmed, providerID: "p2"),
        quality: quality
    )
    let attempts = (1...2).map { number in
        AttemptRecord(
            recordID: "att-\(index)-\(number)", nodeID: nodeID, sessionID: "s-\(index)", cdrRecordID: "cdr-\(index)",
            attemptNumber: number, providerID: "p\(number)", bLegCallID: "sw-b-\(index)-\(number)@203.0.113.10",
            destination: "udp:192.0.2.\(10 * number):5060", startMicros: setup,
            endMicros: setup + 400_000, responseCode: number == 1 ? 503 : 200,
            reason: number == 1 ? "Service Unavailable" : "OK", outcome: number == 1 ? .failed : .answered
        )
    }
    return SessionRecords(cdr: cdr, attempts: attempts)
}

private func direction(deck: String, rate: String, charge: String, deckRate: String? = nil) -> CanonicalJSON {
    .object(omittingNil: [
        "billed_s": .integer(66), "charge": .string(charge), "connection_fee": .string("0.000000"),
        "deck": .string(deck), "deck_rate": deckRate.map { .string($0) }, "deck_version": .string("2026-11-01T00:00:00Z"),
        "initial_increment_s": .integer(6), "minimum_duration_s": .integer(0), "next_increment_s": .integer(6),
        "prefix": .string("1212"), "price_unit": .string("per-min"), "rate": .string(rate),
    ])
}

private let rating: CanonicalJSON = .object([
    "currency": .string("EUR"),
    "customer": direction(deck: "c1.csv", rate: "0.015000", charge: "0.016500"),
    "provider": direction(deck: "p2.csv", rate: "0.012500", charge: "0.013750", deckRate: "0.010000"),
    "spread": .string("0.002750"),
])

private func negotiation(_ index: Int) -> CanonicalJSON {
    .object([
        "agreed_rate": .string("0.012500"), "currency": .string("EUR"), "deck_rate": .string("0.010000"),
        "max_rounds": .integer(3), "negotiation_id": .string("5d2c0b6e-\(index)"), "price_unit": .string("per-min"),
        "rounds": .integer(2),
    ])
}

private let routing: CanonicalJSON = .object([
    "groups": .array([
        .array([
            .object([
                "healthy": .integer(1), "health_bp": .integer(9_800), "provider_id": .string("p1"),
                "reference_cost": .string("0.010000"), "score": .integer(9_120),
            ]),
            .object([
                "healthy": .integer(1), "health_bp": .integer(9_950), "provider_id": .string("p2"),
                "reference_cost": .string("0.011000"), "score": .integer(8_870),
            ]),
        ]),
    ]),
    "excluded": .array([.object(["provider_id": .string("p3"), "reason": .string("no_rate")])]),
    "attempts": .array([
        .object(["attempt": .integer(1), "outcome": .string("failed"), "provider_id": .string("p1"), "response_code": .integer(503)]),
        .object(["attempt": .integer(2), "outcome": .string("answered"), "provider_id": .string("p2"), "response_code": .integer(200)]),
    ]),
    "pdd_budget_spent": .bool(false),
])

private let quality: CanonicalJSON = .object([
    "pdd_ms": .integer(900),
    "setup_ms": .integer(4_000),
    "media": .object([
        "source": .string("X-RTP-Stat"), "pr": .integer(3_050), "ps": .integer(3_049), "pl": .integer(2),
        "ji": .integer(4), "dl": .integer(38), "en": .string("PCMA"), "de": .string("PCMA"),
    ]),
])
