@testable import Node
import SIPCore
import Testing

/// What a call keeps once its transactions no longer need it (issue 9: memory per held session, and the 32 s that
/// INVITE and BYE transactions linger after a call, Timers L, M and J, which at 2,500 calls/s is 80,000 calls).
@Suite struct HeldCallFootprintTests {
    @Test func anEstablishedCallKeepsNothingForRetransmissionsItNoLongerNeeds() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall())
        let session = try #require(node.engine.activeSessions.values.first)
        let winner = try #require(session.winner)
        // The INVITE transactions live on (Timers L and M, 64*T1) and the session still reaches them, but the
        // provider's 2xx ended the client side's retransmissions (its INVITE, parsed and serialized, and the attempt's
        // copy for a CANCEL), and the customer's ACK ended the 2xx retransmissions (the 2xx's bytes).
        #expect(winner.client != nil)
        #expect(winner.client?.holdsRequest == false)
        #expect(winner.request == nil)
        #expect(!session.aServer.holdsLastResponse)
        #expect(!session.aServer.holdsRequest)
        node.advance(by: .seconds(40))
        #expect(node.engine.activeSessions.count == 1)
        // Ended: the provider INVITE's transaction is freed with the table's reference.
        #expect(session.winner != nil)
        #expect(session.winner?.client == nil)
    }

    @Test func theCustomers2xxIsKeptAndRetransmittedUntilItsACK() throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        let session = try #require(node.engine.activeSessions.values.first)
        #expect(session.aServer.holdsRequest, "the 100 Trying is made from it while no final was sent")
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        #expect(node.takeSent().routed == ["ACK→5080", "200→5070"])
        #expect(session.aServer.holdsLastResponse)
        #expect(!session.aServer.holdsRequest)
        node.advance(by: .milliseconds(600))
        #expect(node.takeSent().routed == ["200→5070"], "retransmitted from the kept bytes (T1, then 2*T1)")
    }

    @Test func aRetransmittedFailureGetsTheSameACKAgainWithoutTheRequestKept() throws {
        let node = EngineHarness()
        let customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        let session = try #require(node.engine.activeSessions.values.first)
        let attempt = try #require(session.liveAttempts.first)
        let client = try #require(attempt.client)
        let refusal = Reply.to(invite, 486, toTag: "p1-tag")
        node.receive(refusal, from: EngineHarness.p1Address)
        let first = node.takeSent()
        #expect(first.routed == ["ACK→5080", "486→5070"])
        #expect(!client.holdsRequest)
        #expect(attempt.request == nil)
        node.receive(customer.ack(branch: customer.inviteBranch))
        // The provider did not hear the ACK and sends its 486 again (Completed, Timer D): the same ACK goes back.
        node.advance(by: .milliseconds(500))
        node.receive(refusal, from: EngineHarness.p1Address)
        let again = node.takeSent()
        #expect(again.routed == ["ACK→5080"])
        let firstACK = try #require(first.first?.request)
        let secondACK = try #require(again.first?.request)
        #expect(secondACK == firstACK)
        #expect(firstACK.headers[.to]?.contains("tag=p1-tag") == true)
    }
}
