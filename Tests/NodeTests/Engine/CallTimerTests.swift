import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct CallTimerTests {
    @Test func maxSessionDurationEndsTheCall() throws {
        let node = EngineHarness { $0.maxSessionDuration = .seconds(60) }
        _ = try #require(node.establishCall())
        // Answered at 0.2 s, ACKed at 0.3 s: the limit runs from the answer.
        node.advance(by: .milliseconds(59_800))
        #expect(node.takeSent().isEmpty)
        node.advance(by: .milliseconds(100))
        let sent = node.takeSent()
        #expect(sent.routed == ["BYE→5080", "BYE→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .maxDuration)
        #expect(cdr.finalCode == 200)
        #expect(cdr.answerMicros == EngineHarness.at(.milliseconds(200)))
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(60_200)))
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func sessionIntervalWithoutRefreshEndsTheCall() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall(answerHeaders: [("Session-Expires", "90;refresher=uac")]))
        node.advance(by: .milliseconds(89_800))
        #expect(node.takeSent().isEmpty)
        node.advance(by: .milliseconds(100))
        #expect(node.takeSent().routed == ["BYE→5080", "BYE→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .sessionTimer)
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(90_200)))
    }

    @Test func sessionExpiresOnlyInTheCustomersInviteArmsNoTimer() throws {
        // RFC 4028 §9: without Session-Expires in the 2xx there is no session expiration.
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.extraHeaders = ["Session-Expires: 90", "Supported: timer"]
        _ = try #require(node.establishCall(customer))
        node.advance(by: .seconds(200))
        #expect(node.takeSent().isEmpty)
        #expect(node.sink.cdrs.isEmpty)
        #expect(node.engine.activeSessions.count == 1)
    }

    @Test func reInvitesBothWaysAreRelayedAndRefreshTheSession() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall(answerHeaders: [("Session-Expires", "90;refresher=uac")]))
        let p1Invite = call.provider.invite

        // t = 60.3 s: the customer refreshes with a re-INVITE.
        node.advance(by: .seconds(60))
        let reinvite = call.customer.inDialog(
            "INVITE", cseq: 2, branch: "z9hG4bK-cust-reinv-1", headers: ["Session-Expires: 90;refresher=uac"], body: CustomerCall.offer
        )
        node.receive(reinvite)
        var sent = node.takeSent()
        #expect(sent.routed == ["100→5070", "INVITE→5080"])
        let relayedInvite = try #require(sent[1].request)
        #expect(relayedInvite.uri.description == "sip:bob@127.0.0.1:5080")
        #expect(relayedInvite.callID == p1Invite.callID)
        #expect(relayedInvite.cseq == SIPCSeq(sequence: 2, method: .invite))
        #expect(relayedInvite.from?.tag == p1Invite.from?.tag)
        #expect(relayedInvite.to?.tag == "prov-tag")
        #expect(relayedInvite.headers[.sessionExpires] == "90;refresher=uac")
        #expect(relayedInvite.bodyText == CustomerCall.offer)
        #expect(relayedInvite.headers[.contentType] == "application/sdp")

        node.receive(Reply.to(relayedInvite, 200, headers: [("Session-Expires", "90;refresher=uac")], body: Reply.answer), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "200→5070"])
        #expect(sent[0].request?.cseq == SIPCSeq(sequence: 2, method: .ack))
        #expect(sent[0].request?.callID == p1Invite.callID)
        let reinviteOK = try #require(sent[1].response)
        #expect(reinviteOK.cseq == SIPCSeq(sequence: 2, method: .invite))
        #expect(reinviteOK.callID == call.customer.callID)
        #expect(reinviteOK.topVia?.branch == "z9hG4bK-cust-reinv-1")
        #expect(reinviteOK.bodyText == Reply.answer)
        // The customer's ACK for the re-INVITE's 200 ends there.
        node.receive(call.customer.ack(cseq: 2, branch: "z9hG4bK-cust-ack-2"))
        #expect(node.takeSent().isEmpty)

        // t = 100.3 s: p1 sends a re-INVITE towards the customer. Without the refresh above the
        // session timer would have fired at 90.2 s.
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)
        let providerReinvite = call.provider.request(
            "INVITE", cseq: 1, branch: "z9hG4bK-p1-reinv-1", headers: ["Session-Expires: 90;refresher=uas"], body: Reply.answer
        )
        node.receive(providerReinvite, from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["100→5080", "INVITE→5070"])
        let towardsCustomer = try #require(sent[1].request)
        #expect(towardsCustomer.uri.description == "sip:alice@127.0.0.1:5070")
        #expect(towardsCustomer.callID == call.customer.callID)
        #expect(towardsCustomer.from?.tag == call.customer.toTag)
        #expect(towardsCustomer.to?.tag == call.customer.fromTag)
        #expect(towardsCustomer.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(towardsCustomer.bodyText == Reply.answer)

        node.receive(Reply.to(towardsCustomer, 200, toTag: nil, contact: "<sip:alice@127.0.0.1:5070>", headers: [("Session-Expires", "90;refresher=uas")], body: CustomerCall.offer), from: EngineHarness.customerAddress)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5070", "200→5080"])
        #expect(sent[0].request?.cseq == SIPCSeq(sequence: 1, method: .ack))
        #expect(sent[0].request?.callID == call.customer.callID)
        #expect(sent[1].response?.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(sent[1].response?.callID == p1Invite.callID)
        #expect(sent[1].response?.bodyText == CustomerCall.offer)

        // The refresh at 100.3 s moves the end to 190.3 s.
        node.advance(by: .milliseconds(89_900))
        #expect(node.takeSent().isEmpty)
        node.advance(by: .milliseconds(100))
        #expect(node.takeSent().routed == ["BYE→5080", "BYE→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.releaseCause == .sessionTimer)
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(190_300)))
    }
}
