import Records
import Testing

@Suite struct RecordEncodingTests {
    static let aLeg = CallLeg(
        callID: "a-call@10.0.0.1",
        localTag: "n1tag",
        remoteTag: "ctag",
        fromURI: "sip:+4930123@10.0.0.1",
        toURI: "sip:+4940999@node",
        pAssertedIdentity: "<sip:+4930123@10.0.0.1>",
        source: "udp:10.0.0.1:5060",
        destination: "udp:127.0.0.1:5060",
        transport: .udp,
        userAgent: "sipp"
    )

    static func answeredCDR() -> CallDetailRecord {
        CallDetailRecord(
            recordID: "cdr-1",
            nodeID: "n1",
            service: .voice,
            sessionID: "s-1",
            setupMicros: 1_000_000,
            firstProvisionalMicros: 1_010_000,
            firstRingingMicros: 1_250_999,
            answerMicros: 3_000_000,
            ackMicros: 3_001_000,
            endMicros: 63_000_500,
            finalCode: 200,
            finalReason: "OK",
            q850Cause: 16,
            q850Text: "Normal call clearing",
            releasedBy: .customer,
            releaseCause: .normal,
            customerID: "c1",
            providerID: "p1",
            attempts: 1,
            aLeg: aLeg,
            bLeg: CallLeg(callID: "b-call", transport: .tcp)
        )
    }

    @Test func answeredCDRDerivesPDDAndDurationInWholeMilliseconds() {
        let cdr = Self.answeredCDR()
        #expect(cdr.pddMillis == 250)
        #expect(cdr.durationMillis == 60_000)
    }

    @Test func answeredCDRCanonicalLine() {
        let expected = #"{"a_leg":{"call_id":"a-call@10.0.0.1","dst":"udp:127.0.0.1:5060","from_uri":"sip:+4930123@10.0.0.1","#
            + #""local_tag":"n1tag","pai":"<sip:+4930123@10.0.0.1>","remote_tag":"ctag","src":"udp:10.0.0.1:5060","#
            + #""to_uri":"sip:+4940999@node","transport":"udp","user_agent":"sipp"},"ack_us":3001000,"answer_us":3000000,"#
            + #""attempts":1,"b_leg":{"call_id":"b-call","transport":"tcp"},"customer_id":"c1","duration_ms":60000,"#
            + #""end_us":63000500,"final_code":200,"final_reason":"OK","first_provisional_us":1010000,"#
            + #""first_ringing_us":1250999,"id":"cdr-1","kind":"cdr","node":"n1","pdd_ms":250,"provider_id":"p1","#
            + #""q850_cause":16,"q850_text":"Normal call clearing","release_cause":"normal","released_by":"customer","#
            + #""service":"voice","session_id":"s-1","setup_us":1000000}"# + "\n"
        #expect(String(decoding: Self.answeredCDR().jsonLine(), as: UTF8.self) == expected)
    }

    @Test func unansweredCDROmitsWhatDidNotHappen() {
        let cdr = CallDetailRecord(
            recordID: "cdr-2", nodeID: "n1", service: .message, sessionID: "s-2",
            setupMicros: 10, firstProvisionalMicros: nil, firstRingingMicros: nil, answerMicros: nil, ackMicros: nil, endMicros: 5_000,
            finalCode: 503, finalReason: nil, q850Cause: nil, q850Text: nil,
            releasedBy: .node, releaseCause: .failure, customerID: "c1", providerID: nil, attempts: 0,
            aLeg: CallLeg(), bLeg: nil
        )
        #expect(cdr.pddMillis == nil)
        #expect(cdr.durationMillis == 0)
        let expected = #"{"a_leg":{},"attempts":0,"customer_id":"c1","duration_ms":0,"end_us":5000,"final_code":503,"#
            + #""id":"cdr-2","kind":"cdr","node":"n1","release_cause":"failure","released_by":"node","service":"message","#
            + #""session_id":"s-2","setup_us":10}"#
        #expect(cdr.canonicalJSON().canonicalString() == expected)
    }

    @Test func pddFallsBackToAnswerAndNeverGoesNegative() {
        let cdr = CallDetailRecord(
            recordID: "r", nodeID: "n", service: .voice, sessionID: "s",
            setupMicros: 2_000_000, firstProvisionalMicros: nil, firstRingingMicros: nil, answerMicros: 2_400_000, ackMicros: nil,
            endMicros: 1_000_000, finalCode: 200, finalReason: nil, q850Cause: nil, q850Text: nil,
            releasedBy: .provider, releaseCause: .normal, customerID: "c", providerID: "p", attempts: 1,
            aLeg: CallLeg(), bLeg: nil
        )
        #expect(cdr.pddMillis == 400)
        #expect(cdr.durationMillis == 0)
    }

    @Test func attemptCanonicalLine() {
        let attempt = AttemptRecord(
            recordID: "att-1", nodeID: "n1", sessionID: "s-1", cdrRecordID: "cdr-1", attemptNumber: 2,
            providerID: "p2", bLegCallID: "b2", destination: "udp:127.0.0.1:5081",
            startMicros: 7, endMicros: 9, responseCode: nil, reason: "Request Timeout", outcome: .failedOver
        )
        let expected = #"{"attempt":2,"b_call_id":"b2","cdr_id":"cdr-1","destination":"udp:127.0.0.1:5081","#
            + #""end_us":9,"id":"att-1","kind":"attempt","node":"n1","outcome":"failed_over","provider_id":"p2","#
            + #""reason":"Request Timeout","session_id":"s-1","start_us":7}"#
        #expect(attempt.canonicalJSON().canonicalString() == expected)
    }

    @Test func legMergeKeepsKnownFactsAndTakesNewOnes() {
        let merged = CallLeg(callID: "b", localTag: "l", remoteTag: nil)
            .merging(CallLeg(remoteTag: "r", userAgent: "ua"))
        #expect(merged == CallLeg(callID: "b", localTag: "l", remoteTag: "r", userAgent: "ua"))
    }

    @Test func snakeCaseEnumValues() {
        #expect(ReleaseCause.allCases.map(\.rawValue) == [
            "normal", "cancel", "timeout", "max_duration", "drain", "failure", "no_ack", "session_timer", "restriction", "node_failure",
        ])
        #expect(AttemptOutcome.allCases.map(\.rawValue) == ["answered", "failed", "timeout", "cancelled", "failed_over"])
        #expect(RecordID.random() != RecordID.random())
        let id = RecordID.random()
        #expect(id == id.lowercased())
        #expect(id.count == 36)
    }
}
