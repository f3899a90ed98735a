import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct FailoverTests {
    @Test func serviceUnavailableFailsOverToTheNextProvider() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        let invite1 = try #require(node.startCall(customer))
        node.advance(by: .milliseconds(100))
        node.receive(Reply.to(invite1, 503, toTag: "p1-tag"), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "INVITE→5081"])
        let ack = try #require(sent[0].request)
        #expect(ack.topVia?.branch == invite1.topVia?.branch)
        #expect(ack.cseq == SIPCSeq(sequence: 1, method: .ack))
        #expect(ack.callID == invite1.callID)
        #expect(ack.to?.tag == "p1-tag")
        #expect(ack.uri == invite1.uri)
        let invite2 = try #require(sent[1].request)
        #expect(invite2.uri.description == "sip:15551234567@127.0.0.1:5081")
        #expect(invite2.callID != invite1.callID)
        #expect(invite2.from?.tag != invite1.from?.tag)
        #expect(invite2.topVia?.branch != invite1.topVia?.branch)
        #expect(invite2.bodyText == CustomerCall.offer)

        node.advance(by: .milliseconds(100))
        node.receive(Reply.to(invite2, 200, toTag: "p2-tag", contact: "<sip:carol@127.0.0.1:5081>", body: Reply.answer), from: EngineHarness.p2Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5081", "200→5070"])
        #expect(sent[0].request?.uri.description == "sip:carol@127.0.0.1:5081")
        customer.toTag = sent[1].response?.to?.tag
        node.receive(customer.ack())
        node.advance(by: .seconds(5))
        node.receive(customer.bye())
        sent = node.takeSent()
        #expect(sent.routed == ["200→5070", "BYE→5081"])

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.providerID == "p2")
        #expect(cdr.attempts == 2)
        #expect(cdr.finalCode == 200)
        #expect(cdr.releasedBy == .customer)
        #expect(cdr.bLeg?.callID == invite2.callID)
        #expect(cdr.answerMicros == EngineHarness.at(.milliseconds(200)))
        let attempts = node.sink.attempts
        #expect(attempts.map(\.attemptNumber) == [1, 2])
        #expect(attempts.map(\.providerID) == ["p1", "p2"])
        #expect(attempts.map(\.outcome) == [.failedOver, .answered])
        #expect(attempts.map(\.responseCode) == [503, 200])
        #expect(attempts.map(\.bLegCallID) == [invite1.callID, invite2.callID])
        #expect(attempts[0].endMicros == EngineHarness.at(.milliseconds(100)))
        #expect(attempts[1].startMicros == EngineHarness.at(.milliseconds(100)))
    }

    @Test(arguments: [603, 486])
    func finalRefusalsAreRelayedWithoutFailover(code: Int) throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.advance(by: .milliseconds(100))
        node.receive(Reply.to(invite, code, toTag: "p1-tag", headers: [("Reason", "Q.850;cause=21;text=\"Call rejected\"")]), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "\(code)→5070"])
        let relayed = try #require(sent[1].response)
        #expect(relayed.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(relayed.to?.tag != nil)
        #expect(relayed.to?.tag != "p1-tag")
        #expect(relayed.headers[.reason] == "Q.850;cause=21;text=\"Call rejected\"")

        // The customer's ACK for the failure shares the INVITE's branch and is absorbed.
        node.receive(customer.ack(branch: customer.inviteBranch))
        node.advance(by: .seconds(10))
        #expect(node.takeSent().isEmpty, "no retransmission of the final once ACKed, nothing to p2")

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.finalCode == code)
        #expect(cdr.releasedBy == .provider)
        #expect(cdr.releaseCause == .failure)
        #expect(cdr.attempts == 1)
        #expect(cdr.providerID == "p1")
        #expect(cdr.q850Cause == 21)
        #expect(cdr.answerMicros == nil)
        #expect(node.sink.attempts.map(\.outcome) == [.failed])
        #expect(node.sink.attempts.map(\.responseCode) == [code])
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func providerTimeoutRetransmitsThenFailsOverThenAnswers408() throws {
        let node = EngineHarness { $0.sip.providerTimeout = .seconds(5) }
        let customer = CustomerCall()
        let invite1 = try #require(node.startCall(customer))

        // Timer A over UDP: T1, 2T1, 4T1 after the first send (0.5 s, 1.5 s, 3.5 s).
        node.advance(by: .milliseconds(4900))
        var sent = node.takeSent()
        #expect(sent.routed == ["INVITE→5080", "INVITE→5080", "INVITE→5080"])
        #expect(sent.allSatisfy { $0.request == invite1 })

        // Provider timeout at 5 s: p2 gets the call, p1 gets no more retransmissions.
        node.advance(by: .milliseconds(100))
        sent = node.takeSent()
        #expect(sent.routed == ["INVITE→5081"])
        let invite2 = try #require(sent.first?.request)
        node.advance(by: .milliseconds(4900))
        sent = node.takeSent()
        #expect(sent.routed == ["INVITE→5081", "INVITE→5081", "INVITE→5081"])
        #expect(sent.allSatisfy { $0.request == invite2 })

        // p2 dead too: 408 to the customer.
        node.advance(by: .milliseconds(100))
        sent = node.takeSent()
        #expect(sent.routed == ["408→5070"])
        #expect(sent.first?.response?.cseq == SIPCSeq(sequence: 1, method: .invite))
        node.receive(customer.ack(branch: customer.inviteBranch))
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.finalCode == 408)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .timeout)
        #expect(cdr.attempts == 2)
        #expect(cdr.providerID == "p2")
        #expect(cdr.endMicros == EngineHarness.at(.seconds(10)))
        let attempts = node.sink.attempts
        #expect(attempts.map(\.outcome) == [.failedOver, .timeout])
        #expect(attempts.map(\.responseCode) == [nil, nil])
        #expect(attempts.map(\.endMicros) == [EngineHarness.at(.seconds(5)), EngineHarness.at(.seconds(10))])
    }

    @Test func ringTimeoutCancelsAndFailsOver() throws {
        let node = EngineHarness { $0.sip.ringTimeout = .seconds(20) }
        let invite1 = try #require(node.startCall())
        node.receive(Reply.to(invite1, 180), from: EngineHarness.p1Address)
        #expect(node.takeSent().routed == ["180→5070"])
        node.advance(by: .milliseconds(19900))
        #expect(node.takeSent().isEmpty)
        node.advance(by: .milliseconds(100))
        let sent = node.takeSent()
        #expect(sent.routed == ["CANCEL→5080", "INVITE→5081"])
        let cancel = try #require(sent.first?.request)
        #expect(cancel.topVia?.branch == invite1.topVia?.branch)
        #expect(cancel.cseq == SIPCSeq(sequence: 1, method: .cancel))
        #expect(node.engine.activeSessions.count == 1)

        // p1 answers the CANCEL and ends its INVITE with 487, which must still be ACKed (RFC 3261 §9.1).
        node.receive(Reply.to(cancel, 200, toTag: "prov-tag"), from: EngineHarness.p1Address)
        node.receive(Reply.to(invite1, 487), from: EngineHarness.p1Address)
        let ack = try #require(node.takeSent().first?.request, "the 487 after our CANCEL was not ACKed")
        #expect(ack.method == .ack)
        #expect(ack.topVia?.branch == invite1.topVia?.branch)
        #expect(ack.cseq == SIPCSeq(sequence: 1, method: .ack))
        #expect(node.sink.cdrs.isEmpty, "the late 487 of an abandoned attempt does not end the session")
    }
}
