extension CallDetailRecord {
    /// The CDR as a canonical JSON object; nil fields are omitted.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "kind": .string(Self.kind),
            "node": .string(nodeID),
            "id": .string(recordID),
            "service": .string(service.rawValue),
            "session_id": .string(sessionID),
            "setup_us": .integer(setupUs),
            "first_provisional_us": firstProvisionalUs.map(CanonicalJSON.integer),
            "first_ringing_us": firstRingingUs.map(CanonicalJSON.integer),
            "answer_us": answerUs.map(CanonicalJSON.integer),
            "ack_us": ackUs.map(CanonicalJSON.integer),
            "end_us": .integer(endUs),
            "pdd_ms": pddMs.map(CanonicalJSON.integer),
            "duration_ms": .integer(durationMs),
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
        ])
    }
}
