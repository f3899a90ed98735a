import NIOCore
@testable import Node
import SIPCore
import RecordStore
import Testing

/// A provider the node gave up on (provider timeout before any 1xx) may still answer: its late
/// 1xx gets a CANCEL and its late 2xx an ACK and a BYE, even after the session has ended.
@Suite struct AbandonedAttemptTests {
    @Test func lateProvisionalGetsTheHeldCancel() throws {
        let node = EngineHarness { $0.sip.providerTimeout = .seconds(2) }
        let invite1 = try #require(node.startCall())
        node.advance(by: .seconds(2))
        #expect(node.takeSent().routed.last == "INVITE→5081")

        node.receive(Reply.to(invite1, 180), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        #expect(sent.routed == ["CANCEL→5080"])
        #expect(sent.first?.request?.topVia?.branch == invite1.topVia?.branch)
    }

    @Test func lateAnswerAfterSessionEndIsAcknowledgedAndHungUp() throws {
        let node = EngineHarness { $0.sip.providerTimeout = .seconds(2) }
        let invite1 = try #require(node.startCall())
        node.advance(by: .seconds(2))
        let invite2 = try #require(node.takeSent().last?.request)
        node.receive(Reply.to(invite2, 486), from: EngineHarness.p2Address)
        #expect(node.takeSent().routed == ["ACK→5081", "486→5070"])
        #expect(node.engine.activeSessions.isEmpty)
        #expect(node.sink.cdrs.count == 1)

        // p1 wakes up with a 200 after the session is over: ACK it, then BYE it once.
        node.receive(Reply.to(invite1, 200, body: Reply.answer), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "BYE→5080"])
        #expect(sent.allSatisfy { $0.request?.callID == invite1.callID })
        // A retransmitted 200 is ACKed again but not hung up twice.
        node.receive(Reply.to(invite1, 200, body: Reply.answer), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080"])
        #expect(node.sink.cdrs.count == 1)
    }
}
