import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct MessageTests {
    static func message() -> CustomerCall {
        var customer = CustomerCall()
        customer.method = "MESSAGE"
        customer.callID = "msg-1@127.0.0.1"
        customer.body = "hello"
        customer.contentType = "text/plain"
        return customer
    }

    @Test func messageIsForwardedAndItsAnswerRelayed() throws {
        let node = EngineHarness()
        let customer = Self.message()
        node.receive(customer.invite())
        var sent = node.takeSent()
        #expect(sent.routed == ["MESSAGE→5080"], "no 100 Trying for a non-INVITE")
        let forwarded = try #require(sent.first?.request)
        #expect(forwarded.callID != customer.callID)
        #expect(forwarded.cseq == SIPCSeq(sequence: 1, method: .message))
        #expect(forwarded.headers[.contentType] == "text/plain")
        #expect(forwarded.bodyText == "hello")
        #expect(forwarded.headers[.contact] == nil)
        #expect(forwarded.to?.uri.user == "15551234567")

        node.advance(by: .milliseconds(300))
        node.receive(Reply.to(forwarded, 200), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["200→5070"])
        #expect(sent.first?.response?.cseq == SIPCSeq(sequence: 1, method: .message))
        #expect(sent.first?.response?.callID == customer.callID)

        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.service == .message)
        #expect(cdr.finalCode == 200)
        #expect(cdr.releaseCause == .normal)
        #expect(cdr.attempts == 1)
        #expect(cdr.providerID == "p1")
        #expect(cdr.answerMicros == EngineHarness.at(.milliseconds(300)))
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(300)))
        #expect(node.sink.attempts.map(\.outcome) == [.answered])
        #expect(node.engine.activeSessions.isEmpty)

        // A retransmitted MESSAGE gets the 200 again, not a second session.
        node.receive(customer.invite())
        #expect(node.takeSent().routed == ["200→5070"])
        #expect(node.sink.cdrs.count == 1)
    }

    @Test func messageFailsOverOn503() throws {
        let node = EngineHarness()
        let customer = Self.message()
        node.receive(customer.invite())
        let first = try #require(node.takeSent().first?.request)
        node.receive(Reply.to(first, 503), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["MESSAGE→5081"], "no ACK for a non-INVITE failure")
        let second = try #require(sent.first?.request)
        #expect(second.callID != first.callID)
        node.receive(Reply.to(second, 202), from: EngineHarness.p2Address)
        sent = node.takeSent()
        #expect(sent.routed == ["202→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.service == .message)
        #expect(cdr.finalCode == 202)
        #expect(cdr.attempts == 2)
        #expect(cdr.providerID == "p2")
        #expect(node.sink.attempts.map(\.outcome) == [.failedOver, .answered])
        #expect(node.sink.attempts.map(\.responseCode) == [503, 202])
    }
}
