extension CallDetailRecord {
    /// The CDR as a canonical JSON object; nil fields are omitted.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "kind": .string(Self.kind),
            "node": .string(nodeID),
            "id": .string(recordID),
            "service": .string(service.rawValue),
            "session_id": .string(sessionID),
            "setup_us": .integer(setupMicros),
            "first_provisional_us": firstProvisionalMicros.map(CanonicalJSON.integer),
            "first_ringing_us": firstRingingMicros.map(CanonicalJSON.integer),
            "answer_us": answerMicros.map(CanonicalJSON.integer),
            "ack_us": ackMicros.map(CanonicalJSON.integer),
            "end_us": .integer(endMicros),
            "pdd_ms": pddMillis.map(CanonicalJSON.integer),
            "duration_ms": .integer(durationMillis),
            "final_code": .integer(finalCode),
            "final_reason": finalReason.map(CanonicalJSON.string),
            "q850_cause": q850Cause.map(CanonicalJSON.integer),
            "q850_text": q850Text.map(CanonicalJSON.string),
            "released_by": .string(releasedBy.rawValue),
            "release_cause": .string(releaseCause.rawValue),
            "customer_id": .string(customerID),
            "provider_id": providerID.map(CanonicalJSON.string),
            "attempts": .integer(attempts),
            "a_leg": aLeg.canonicalJSON(),
            "b_leg": bLeg?.canonicalJSON(),
            "recovered": recovered ? CanonicalJSON.bool(true) : nil,
            "rating": rating,
            "negotiation": negotiation,
            "routing": routing,
            "receipt": receipt?.canonicalJSON(),
            "quality": quality,
        ])
    }
}
