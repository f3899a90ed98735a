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

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        // Objects through `member(_:object:)`, not closures: a closure here captured (copied) the whole CDR.
        writer.member("a_leg", object: aLeg)
        writer.member("ack_us", ackMicros)
        writer.member("answer_us", answerMicros)
        writer.member("attempts", attempts)
        writer.member("b_leg", object: bLeg)
        writer.member("customer_id", customerID)
        writer.member("duration_ms", durationMillis)
        writer.member("end_us", endMicros)
        writer.member("final_code", finalCode)
        writer.member("final_reason", finalReason)
        writer.member("first_provisional_us", firstProvisionalMicros)
        writer.member("first_ringing_us", firstRingingMicros)
        writer.member("id", recordID)
        writer.member("kind", Self.kind)
        writer.member("negotiation", negotiationBlock)
        writer.member("node", nodeID)
        writer.member("pdd_ms", pddMillis)
        writer.member("provider_id", providerID)
        writer.member("q850_cause", q850Cause)
        writer.member("q850_text", q850Text)
        writer.member("quality", qualityBlock)
        writer.member("rating", ratingBlock)
        writer.member("receipt", object: receipt)
        writer.member("recovered", recovered ? CanonicalJSON.bool(true) : nil)
        writer.member("release_cause", releaseCause.rawValue)
        writer.member("released_by", releasedBy.rawValue)
        writer.member("routing", routingBlock)
        writer.member("service", service.rawValue)
        writer.member("session_id", sessionID)
        writer.member("setup_us", setupMicros)
    }
}
