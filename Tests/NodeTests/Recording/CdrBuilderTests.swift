import Node
import Records
import Synchronization
import Testing

@Suite struct CdrBuilderTests {
    static let aLeg = CallLeg(
        callID: "a1@customer", remoteTag: "ctag", fromURI: "sip:+4930111@10.0.0.1", toURI: "sip:+4940222@node",
        source: "udp:10.0.0.1:5060", destination: "udp:127.0.0.1:5060", transport: .udp, userAgent: "carrier-a"
    )

    static func builder(setupAt setup: Int64 = 1_000_000) -> CdrBuilder {
        let counter = Mutex(0)
        return CdrBuilder(
            nodeID: "n1", sessionID: "s1", service: .voice, setupAt: setup, customerID: "c1", aLeg: aLeg,
            makeRecordID: {
                counter.withLock { value in
                    value += 1
                    return "id-\(value)"
                }
            }
        )
    }

    static func bLeg(_ callID: String, port: Int) -> CallLeg {
        CallLeg(callID: callID, localTag: "n1-\(callID)", destination: "udp:127.0.0.1:\(port)", transport: .udp)
    }

    @Test func failoverGivesOneCDRAndTwoAttempts() throws {
        var cdr = Self.builder()
        #expect(cdr.beginAttempt(provider: "p1", destination: "udp:127.0.0.1:5080", bLeg: Self.bLeg("b1", port: 5080), at: 1_001_000) == 1)
        cdr.provisional(code: 100, at: 1_002_000)
        cdr.endAttempt(code: 503, reason: "Service Unavailable", outcome: .failedOver, at: 1_050_000)
        #expect(cdr.beginAttempt(provider: "p2", destination: "udp:127.0.0.1:5081", bLeg: Self.bLeg("b2", port: 5081), at: 1_051_000) == 2)
        cdr.provisional(code: 183, at: 1_200_000)
        cdr.provisional(code: 180, at: 1_300_000)
        cdr.updateBLeg(CallLeg(remoteTag: "p2tag", userAgent: "carrier-p2"))
        cdr.answered(at: 3_000_000)
        cdr.endAttempt(code: 200, reason: "OK", outcome: .answered, at: 3_000_000)
        cdr.acked(at: 3_010_000)
        cdr.reason(q850Cause: 16, text: "Normal call clearing")
        let records = try cdr.finish(finalCode: 200, reason: "OK", releasedBy: .customer, cause: .normal, at: 63_000_000)

        let answeringLeg = CallLeg(
            callID: "b2", localTag: "n1-b2", remoteTag: "p2tag", destination: "udp:127.0.0.1:5081", transport: .udp,
            userAgent: "carrier-p2"
        )
        let expected = SessionRecords(
            cdr: CallDetailRecord(
                recordID: "id-1", nodeID: "n1", service: .voice, sessionID: "s1",
                setupMicros: 1_000_000, firstProvisionalMicros: 1_002_000, firstRingingMicros: 1_200_000,
                answerMicros: 3_000_000, ackMicros: 3_010_000, endMicros: 63_000_000,
                finalCode: 200, finalReason: "OK", q850Cause: 16, q850Text: "Normal call clearing",
                releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p2", attempts: 2,
                aLeg: Self.aLeg, bLeg: answeringLeg
            ),
            attempts: [
                AttemptRecord(
                    recordID: "id-2", nodeID: "n1", sessionID: "s1", cdrRecordID: "id-1", attemptNumber: 1,
                    providerID: "p1", bLegCallID: "b1", destination: "udp:127.0.0.1:5080",
                    startMicros: 1_001_000, endMicros: 1_050_000, responseCode: 503, reason: "Service Unavailable",
                    outcome: .failedOver
                ),
                AttemptRecord(
                    recordID: "id-3", nodeID: "n1", sessionID: "s1", cdrRecordID: "id-1", attemptNumber: 2,
                    providerID: "p2", bLegCallID: "b2", destination: "udp:127.0.0.1:5081",
                    startMicros: 1_051_000, endMicros: 3_000_000, responseCode: 200, reason: "OK", outcome: .answered
                ),
            ]
        )
        #expect(records == expected)
        #expect(records.cdr.pddMillis == 200)
        #expect(records.cdr.durationMillis == 60_000)
        #expect(records.recordCount == 3)
    }

    @Test func customerCancelWhileRinging() throws {
        var cdr = Self.builder(setupAt: 1_000)
        cdr.beginAttempt(provider: "p1", destination: "udp:127.0.0.1:5080", bLeg: Self.bLeg("b1", port: 5080), at: 2_000)
        cdr.provisional(code: 180, at: 501_000)
        cdr.endAttempt(code: 487, reason: "Request Terminated", outcome: .cancelled, at: 2_000_000)
        let records = try cdr.finish(
            finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: 2_000_100
        )
        #expect(records.cdr.answerMicros == nil)
        #expect(records.cdr.ackMicros == nil)
        #expect(records.cdr.firstRingingMicros == 501_000)
        #expect(records.cdr.firstProvisionalMicros == 501_000)
        #expect(records.cdr.pddMillis == 500)
        #expect(records.cdr.durationMillis == 0)
        #expect(records.cdr.finalCode == 487)
        #expect(records.cdr.releasedBy == .customer)
        #expect(records.cdr.releaseCause == .cancel)
        #expect(records.cdr.providerID == "p1")
        #expect(records.attempts.map(\.outcome) == [.cancelled])
        #expect(records.attempts.map(\.responseCode) == [487])
        #expect(records.attempts.map(\.endMicros) == [2_000_000])
    }

    @Test func cancelClosesAnAttemptLeftOpenAsCancelledAtFinishTime() throws {
        var cdr = Self.builder()
        cdr.beginAttempt(provider: "p1", destination: "udp:127.0.0.1:5080", bLeg: Self.bLeg("b1", port: 5080), at: 1_000_500)
        let records = try cdr.finish(finalCode: 487, reason: nil, releasedBy: .customer, cause: .cancel, at: 4_000_000)
        #expect(records.attempts.map(\.outcome) == [.cancelled])
        #expect(records.attempts.map(\.endMicros) == [4_000_000])
        #expect(records.attempts.map(\.responseCode) == [nil])
        #expect(records.cdr.pddMillis == nil)
    }

    @Test func providerByeClosesTheAnsweredAttemptAtTheEnd() throws {
        var cdr = Self.builder()
        cdr.beginAttempt(provider: "p1", destination: "udp:127.0.0.1:5080", bLeg: Self.bLeg("b1", port: 5080), at: 1_000_000)
        cdr.answered(at: 1_400_000)
        cdr.acked(at: 1_401_000)
        cdr.reason(q850Cause: 31, text: "Normal, unspecified")
        cdr.reason(q850Cause: 16, text: nil)
        let records = try cdr.finish(finalCode: 200, reason: "OK", releasedBy: .provider, cause: .normal, at: 11_400_999)
        #expect(records.cdr.releasedBy == .provider)
        #expect(records.cdr.durationMillis == 10_000)
        #expect(records.cdr.pddMillis == 400)
        #expect(records.cdr.q850Cause == 16)
        #expect(records.cdr.q850Text == nil)
        #expect(records.attempts.map(\.outcome) == [.answered])
        #expect(records.attempts.map(\.responseCode) == [200])
        #expect(records.attempts.map(\.endMicros) == [11_400_999])
    }

    @Test func timestampsAreFirstWins() throws {
        var cdr = Self.builder()
        cdr.beginAttempt(provider: "p1", destination: "d", bLeg: CallLeg(), at: 1_000_000)
        cdr.provisional(code: 100, at: 1_100_000)
        cdr.provisional(code: 100, at: 1_150_000)
        cdr.provisional(code: 180, at: 1_200_000)
        cdr.provisional(code: 183, at: 1_250_000)
        cdr.provisional(code: 99, at: 1_000_001)
        cdr.provisional(code: 200, at: 1_000_002)
        cdr.answered(at: 2_000_000)
        cdr.answered(at: 2_500_000)
        cdr.acked(at: 2_100_000)
        cdr.acked(at: 2_600_000)
        cdr.endAttempt(code: 200, reason: "OK", outcome: .answered, at: 2_000_000)
        cdr.endAttempt(code: 500, reason: "late", outcome: .failed, at: 2_700_000)
        let records = try cdr.finish(finalCode: 200, reason: "OK", releasedBy: .customer, cause: .normal, at: 3_000_000)
        #expect(records.cdr.firstProvisionalMicros == 1_100_000)
        #expect(records.cdr.firstRingingMicros == 1_200_000)
        #expect(records.cdr.answerMicros == 2_000_000)
        #expect(records.cdr.ackMicros == 2_100_000)
        #expect(records.attempts.map(\.endMicros) == [2_000_000])
        #expect(records.attempts.map(\.outcome) == [.answered])
    }

    @Test func finishingTwiceIsATypedErrorAndLateFactsAreIgnored() throws {
        var cdr = Self.builder()
        let first = try cdr.finish(finalCode: 503, reason: nil, releasedBy: .node, cause: .failure, at: 2_000_000)
        #expect(first.cdr.attempts == 0)
        #expect(first.cdr.providerID == nil)
        #expect(first.cdr.bLeg == nil)
        #expect(first.attempts.isEmpty)
        cdr.answered(at: 2_100_000)
        #expect(cdr.beginAttempt(provider: "p1", destination: "d", bLeg: CallLeg(), at: 2_100_000) == 0)
        #expect(cdr.answerMicros == nil)
        #expect(cdr.isFinished)
        let error = #expect(throws: CdrBuilderError.self) {
            _ = try cdr.finish(finalCode: 200, reason: nil, releasedBy: .node, cause: .normal, at: 3_000_000)
        }
        #expect(error?.code == .alreadyFinished)
    }

    @Test func beginningAnAttemptClosesAnOpenOneAsFailedOver() throws {
        var cdr = Self.builder()
        cdr.beginAttempt(provider: "p1", destination: "d1", bLeg: CallLeg(callID: "b1"), at: 1_000_000)
        cdr.beginAttempt(provider: "p2", destination: "d2", bLeg: CallLeg(callID: "b2"), at: 2_000_000)
        let records = try cdr.finish(finalCode: 408, reason: nil, releasedBy: .node, cause: .timeout, at: 9_000_000)
        #expect(records.attempts.map(\.outcome) == [.failedOver, .timeout])
        #expect(records.attempts.map(\.endMicros) == [2_000_000, 9_000_000])
        #expect(records.cdr.providerID == "p2")
        #expect(records.cdr.bLeg?.callID == "b2")
    }

    @Test func updateALegKeepsEarlierFacts() throws {
        var cdr = Self.builder()
        cdr.updateALeg(CallLeg(localTag: "node-tag"))
        let records = try cdr.finish(finalCode: 486, reason: "Busy Here", releasedBy: .provider, cause: .normal, at: 1_500_000)
        #expect(records.cdr.aLeg.localTag == "node-tag")
        #expect(records.cdr.aLeg.callID == "a1@customer")
    }
}
