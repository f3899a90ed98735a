import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct RetransmissionTests {
    @Test func retransmittedInviteIsAbsorbedWithTheLastResponse() throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))

        node.receive(customer.invite())
        var sent = node.takeSent()
        #expect(sent.routed == ["100→5070"])
        #expect(sent.first?.response?.topVia?.branch == customer.inviteBranch)

        node.receive(Reply.to(invite, 180), from: EngineHarness.p1Address)
        let ringing = try #require(node.takeSent().first?.response)
        node.receive(customer.invite())
        sent = node.takeSent()
        #expect(sent.routed == ["180→5070"])
        #expect(sent.first?.response == ringing)

        #expect(node.engine.activeSessions.count == 1)
        #expect(node.engine.statistics.sessionsStarted == 1)
        #expect(node.allSent.filter { $0.request?.method == .invite }.count == 1)
    }

    @Test func retransmittedInviteAfterTheAnswerIsAbsorbed() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(call.customer.invite())
        #expect(node.takeSent().isEmpty, "RFC 6026: absorbed while Accepted; the 2xx retransmission covers it")
        #expect(node.engine.activeSessions.count == 1)
    }

    @Test func answerIsRetransmittedUntilTheAck() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        let ok = try #require(sent.last?.response)
        customer.toTag = ok.to?.tag

        // T1, then 2 T1, then 4 T1 after that: 0.5 s, 1.5 s, 3.5 s.
        var times: [Int64] = []
        for _ in 0..<40 {
            node.advance(by: .milliseconds(100))
            for message in node.takeSent() {
                #expect(message.response == ok)
                #expect(message.port == 5070)
                times.append(node.elapsedMicros)
            }
        }
        #expect(times == [500_000, 1_500_000, 3_500_000])

        node.receive(customer.ack())
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)
        #expect(node.sink.cdrs.isEmpty)
        #expect(node.engine.activeSessions.count == 1)
    }

    @Test func noAckWithin64T1EndsTheCall() throws {
        let node = EngineHarness()
        let invite = try #require(node.startCall())
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        let ok = try #require(node.takeSent().last?.response)

        node.advance(by: .milliseconds(31900))
        let retransmissions = node.takeSent()
        // 0.5, 1.5, 3.5, 7.5, then every T2 (4 s): 11.5 ... 31.5.
        #expect(retransmissions.count == 10)
        #expect(retransmissions.allSatisfy { $0.response == ok })

        node.advance(by: .milliseconds(100))
        let sent = node.takeSent()
        #expect(sent.routed == ["BYE→5080", "BYE→5070"])
        #expect(sent[0].request?.callID == invite.callID)
        #expect(sent[1].request?.callID == CustomerCall().callID)
        #expect(sent[1].request?.uri.description == "sip:alice@127.0.0.1:5070")

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .noAck)
        #expect(cdr.ackMicros == nil)
        #expect(cdr.answerMicros == EngineHarness.at(.zero))
        #expect(cdr.endMicros == EngineHarness.at(.seconds(32)))
        #expect(node.sink.attempts.map(\.outcome) == [.answered])
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func ackReusingTheInviteBranchConfirmsTheCall() throws {
        // A 2xx ACK that matches the INVITE server transaction (RFC 6026 Accepted state) must reach the session.
        let node = EngineHarness()
        var customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        customer.toTag = node.takeSent().last?.response?.to?.tag
        node.advance(by: .milliseconds(100))
        node.receive(customer.ack(branch: customer.inviteBranch))
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty, "the ACK stopped the 2xx retransmissions and the no-ACK teardown")
        #expect(node.sink.cdrs.isEmpty)
        node.receive(customer.bye())
        #expect(node.sink.cdrs.first?.ackMicros == EngineHarness.at(.milliseconds(100)))
        #expect(node.sink.cdrs.first?.releaseCause == .normal)
    }

    @Test func lateOfferAcksTheProviderWithTheCustomersAnswer() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.body = ""
        let invite = try #require(node.startCall(customer))
        #expect(invite.body.readableBytes == 0)
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        #expect(sent.routed == ["200→5070"], "no ACK to the provider before the customer's")
        customer.toTag = sent.first?.response?.to?.tag
        node.receive(customer.ack(body: CustomerCall.offer))
        let ack = try #require(node.takeSent().first?.request)
        #expect(ack.method == .ack)
        #expect(ack.callID == invite.callID)
        #expect(ack.cseq == SIPCSeq(sequence: 1, method: .ack))
        #expect(ack.bodyText == CustomerCall.offer)
        #expect(ack.headers[.contentType] == "application/sdp")
    }
}
