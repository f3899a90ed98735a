import NIOCore
@testable import Node
import Records
import RecordStore
import SIPCore
import Testing

/// The engine's side of the crash journal: every harvest interval the sink gets the answered sessions still up.
@Suite struct CrashJournalEngineTests {
    @Test func snapshotHoldsAnsweredSessionsOnlyAndDropsEndedOnes() throws {
        let node = EngineHarness()
        node.engine.startJournal()
        let call = try #require(node.establishCall())
        let answeredAt = node.clock.nowMicroseconds() - 100_000

        // A second call that only rings: not in the journal.
        var ringing = CustomerCall()
        ringing.callID = "a-leg-2@127.0.0.1"
        ringing.fromTag = "cust-tag-2"
        ringing.inviteBranch = "z9hG4bK-cust-inv-2"
        let secondInvite = try #require(node.startCall(ringing))
        node.receive(Reply.to(secondInvite, 180, toTag: "prov-tag-2"), from: EngineHarness.p1Address)
        _ = node.takeSent()

        let before = node.sink.journalSnapshots.count
        node.advance(by: .milliseconds(100))
        #expect(node.sink.journalSnapshots.count > before)
        let snapshot = try #require(node.sink.journalSnapshots.last)
        #expect(snapshot.count == 1)
        let entry = try #require(snapshot.first)
        #expect(entry.aCallID == call.customer.callID)
        #expect(entry.bCallID == call.provider.invite.callID)
        #expect(entry.nodeID == "node1")
        #expect(entry.customerID == "c1")
        #expect(entry.providerID == "p1")
        #expect(entry.destination == "udp:127.0.0.1:5080")
        #expect(entry.setupMicros == EngineHarness.startMicros)
        #expect(entry.answerMicros == answeredAt)

        // The answered call ends: its CDR goes out, and the next snapshot no longer lists it.
        node.receive(call.customer.bye())
        let bye = try #require(node.takeSent().last?.request)
        node.receive(Reply.to(bye, 200, toTag: nil), from: EngineHarness.p1Address)
        #expect(node.sink.cdrs.map(\.sessionID) == [entry.sessionID])
        node.advance(by: .milliseconds(100))
        #expect(node.sink.journalSnapshots.last == [])

        // Stopped: one last snapshot, then none.
        node.engine.stopJournal()
        let stopped = node.sink.journalSnapshots.count
        node.advance(by: .seconds(1))
        #expect(node.sink.journalSnapshots.count == stopped)
    }
}
