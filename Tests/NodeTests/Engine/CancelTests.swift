import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct CancelTests {
    @Test func cancelAfterRinging() throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.advance(by: .milliseconds(100))
        node.receive(Reply.to(invite, 180), from: EngineHarness.p1Address)
        let ringing = try #require(node.takeSent().first?.response)
        #expect(ringing.statusCode == 180)

        node.advance(by: .seconds(3))
        node.receive(customer.cancel())
        var sent = node.takeSent()
        #expect(sent.routed == ["200→5070", "487→5070", "CANCEL→5080"])
        let cancelOK = try #require(sent[0].response)
        #expect(cancelOK.cseq == SIPCSeq(sequence: 1, method: .cancel))
        #expect(cancelOK.to?.tag == ringing.to?.tag, "RFC 3261 §9.2: same To tag as the INVITE's responses")
        let terminated = try #require(sent[1].response)
        #expect(terminated.cseq == SIPCSeq(sequence: 1, method: .invite))
        #expect(terminated.to?.tag == ringing.to?.tag)
        let cancel = try #require(sent[2].request)
        #expect(cancel.uri == invite.uri)
        #expect(cancel.topVia?.branch == invite.topVia?.branch)
        #expect(cancel.callID == invite.callID)
        #expect(cancel.from?.tag == invite.from?.tag)
        #expect(cancel.to?.tag == nil)
        #expect(cancel.cseq == SIPCSeq(sequence: 1, method: .cancel))

        // The customer ACKs the 487; p1 answers the CANCEL and then the INVITE with 487.
        node.receive(customer.ack(branch: customer.inviteBranch))
        node.advance(by: .milliseconds(100))
        node.receive(Reply.to(cancel, 200), from: EngineHarness.p1Address)
        #expect(node.takeSent().isEmpty)
        node.receive(Reply.to(invite, 487), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080"])
        #expect(sent.first?.request?.topVia?.branch == invite.topVia?.branch)
        #expect(sent.first?.request?.to?.tag == "prov-tag")

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.finalCode == 487)
        #expect(cdr.releasedBy == .customer)
        #expect(cdr.releaseCause == .cancel)
        #expect(cdr.attempts == 1)
        #expect(cdr.answerMicros == nil)
        #expect(cdr.firstRingingMicros == EngineHarness.at(.milliseconds(100)))
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(3100)), "the end is the CANCEL, not the provider's 487")
        #expect(node.sink.attempts.map(\.outcome) == [.cancelled])
        #expect(node.sink.attempts.map(\.responseCode) == [487])
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func cancelBeforeAnyProvisionalIsHeldUntilOneArrives() throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.advance(by: .milliseconds(100))
        node.receive(customer.cancel())
        #expect(node.takeSent().routed == ["200→5070", "487→5070"], "no CANCEL before a provisional (RFC 3261 §9.1)")
        node.receive(customer.ack(branch: customer.inviteBranch))

        // Timer A keeps retransmitting the INVITE until p1 shows a sign of life.
        node.advance(by: .milliseconds(400))
        #expect(node.takeSent().routed == ["INVITE→5080"])
        node.receive(Reply.to(invite, 180), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["CANCEL→5080"], "the 180 is not relayed, the held CANCEL goes out")
        let cancel = try #require(sent.first?.request)
        #expect(cancel.topVia?.branch == invite.topVia?.branch)
        #expect(node.sink.cdrs.isEmpty)

        node.receive(Reply.to(cancel, 200), from: EngineHarness.p1Address)
        node.receive(Reply.to(invite, 487), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.finalCode == 487)
        #expect(cdr.releasedBy == .customer)
        #expect(cdr.releaseCause == .cancel)
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(100)))
        #expect(node.sink.attempts.map(\.outcome) == [.cancelled])
    }

    @Test func cancelForUnknownInviteGets481() throws {
        let node = EngineHarness()
        node.receive(CustomerCall().cancel())
        let sent = node.takeSent()
        #expect(sent.routed == ["481→5070"])
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func cancelAfterTheAnswerIsTooLate() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(call.customer.cancel())
        #expect(node.takeSent().routed == ["200→5070"])
        #expect(node.engine.activeSessions.count == 1)
        #expect(node.sink.cdrs.isEmpty)
    }
}
