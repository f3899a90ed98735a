import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct MidDialogTests {
    @Test func infoFromTheCustomerIsRelayedToTheProvider() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        let dtmf = "Signal=5\r\nDuration=160\r\n"
        node.receive(call.customer.inDialog("INFO", cseq: 2, branch: "z9hG4bK-cust-info-1", body: dtmf, contentType: "application/dtmf-relay"))
        var sent = node.takeSent()
        #expect(sent.routed == ["INFO→5080"])
        let info = try #require(sent.first?.request)
        #expect(info.callID == call.provider.invite.callID)
        #expect(info.cseq == SIPCSeq(sequence: 2, method: .info))
        #expect(info.to?.tag == "prov-tag")
        #expect(info.headers[.contentType] == "application/dtmf-relay")
        #expect(info.bodyText == dtmf)

        node.receive(Reply.to(info, 200), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["200→5070"])
        let ok = try #require(sent.first?.response)
        #expect(ok.cseq == SIPCSeq(sequence: 2, method: .info))
        #expect(ok.callID == call.customer.callID)
        #expect(ok.topVia?.branch == "z9hG4bK-cust-info-1")
        #expect(ok.to?.tag == call.customer.toTag)
        #expect(node.sink.cdrs.isEmpty)
    }

    @Test func updateFromTheProviderIsRelayedToTheCustomer() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(call.provider.request("UPDATE", cseq: 1, branch: "z9hG4bK-p1-upd-1", body: Reply.answer), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["UPDATE→5070"])
        let update = try #require(sent.first?.request)
        #expect(update.uri.description == "sip:alice@127.0.0.1:5070")
        #expect(update.callID == call.customer.callID)
        #expect(update.cseq == SIPCSeq(sequence: 1, method: .update))
        #expect(update.from?.tag == call.customer.toTag)
        #expect(update.to?.tag == call.customer.fromTag)
        #expect(update.headers[.contact] == "<sip:sipswarm@127.0.0.1:5060>")
        #expect(update.bodyText == Reply.answer)

        node.receive(Reply.to(update, 200, toTag: nil, contact: "<sip:alice@127.0.0.1:5070>", body: CustomerCall.offer), from: EngineHarness.customerAddress)
        sent = node.takeSent()
        #expect(sent.routed == ["200→5080"])
        let ok = try #require(sent.first?.response)
        #expect(ok.cseq == SIPCSeq(sequence: 1, method: .update))
        #expect(ok.callID == call.provider.invite.callID)
        #expect(ok.topVia?.branch == "z9hG4bK-p1-upd-1")
        #expect(ok.bodyText == CustomerCall.offer)
    }

    @Test func failureOfARelayedRequestIsRelayedBack() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(call.customer.inDialog("INFO", cseq: 2, branch: "z9hG4bK-cust-info-2"))
        let info = try #require(node.takeSent().first?.request)
        node.receive(Reply.to(info, 415), from: EngineHarness.p1Address)
        #expect(node.takeSent().routed == ["415→5070"])
        #expect(node.engine.activeSessions.count == 1)
    }

    @Test func unansweredRelayedRequestGets408() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(call.customer.inDialog("INFO", cseq: 2, branch: "z9hG4bK-cust-info-3"))
        #expect(node.takeSent().routed == ["INFO→5080"])
        // Timer F (64*T1) ends the client transaction; Timer E retransmitted meanwhile.
        node.advance(by: .milliseconds(31_900))
        #expect(node.takeSent().allSatisfy { $0.label == "INFO" })
        node.advance(by: .milliseconds(100))
        #expect(node.takeSent().routed == ["408→5070"])
    }
}
