import NIOCore
@testable import Node
import Records
import RecordStore
import SIPCore
import Testing

/// CDR Restriction on the engine (DESIGN invariant 7): refuse new sessions, drain the active ones, recover.
@Suite struct RestrictionTests {
    static func call(_ index: Int, method: String = "INVITE") -> CustomerCall {
        var call = CustomerCall()
        call.callID = "a-leg-r\(index)@127.0.0.1"
        call.inviteBranch = "z9hG4bK-cust-inv-r\(index)"
        call.method = method
        return call
    }

    @Test func newInviteAndMessageGet503WithRetryAfterAndNoState() throws {
        let node = EngineHarness()
        node.engine.restrictionRetryAfter = .seconds(45)
        node.engine.setRestricted(true)
        node.receive(Self.call(1).invite())
        node.receive(Self.call(2, method: "MESSAGE").invite())
        let sent = node.takeSent()
        #expect(sent.routed == ["503→5070", "503→5070"])
        for message in sent {
            #expect(message.response?.headers[.retryAfter] == "45")
            #expect(message.response?.to?.tag != nil)
        }
        #expect(node.engine.activeSessions.isEmpty)
        #expect(node.engine.statistics.refusedWhileRestricted == 2)
        #expect(node.engine.statistics.sessionsStarted == 0)
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)
        #expect(node.sink.emitted.isEmpty)
    }

    @Test func establishedCallIsEndedWithAReasonOnBothLegsAndItsCdrEmitted() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall())
        node.advance(by: .seconds(2))
        node.engine.setRestricted(true)
        let sent = node.takeSent()
        #expect(sent.routed == ["BYE→5080", "BYE→5070"])
        for bye in sent {
            #expect(bye.request?.headers[.reason] == "SIP;cause=503;text=\"CDR restriction\"")
        }
        #expect(node.engine.activeSessions.isEmpty)
        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .restriction)
        #expect(cdr.answerMicros != nil)
        #expect(node.engine.statistics.endedByRestriction == 1)
    }

    @Test func callInSetupGets503AndItsProviderLegIsCancelled() throws {
        let node = EngineHarness()
        let invite = try #require(node.startCall(Self.call(3)))
        node.receive(Reply.to(invite, 180), from: EngineHarness.p1Address)
        _ = node.takeSent()
        node.engine.setRestricted(true)
        let sent = node.takeSent()
        #expect(sent.routed == ["CANCEL→5080", "503→5070"])
        #expect(sent.last?.response?.headers[.reason] == "SIP;cause=503;text=\"CDR restriction\"")
        #expect(node.sink.cdrs.first?.releaseCause == .restriction)
    }

    @Test func callsAreAcceptedAgainWhenRestrictionEnds() throws {
        let node = EngineHarness()
        node.engine.setRestricted(true)
        node.receive(Self.call(4).invite())
        #expect(node.takeSent().routed == ["503→5070"])
        node.engine.setRestricted(false)
        #expect(!node.engine.restricted)
        _ = try #require(node.establishCall(Self.call(5)))
        #expect(node.engine.activeSessions.count == 1)
    }

    @Test func settingTheSameStateTwiceDoesNothing() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall())
        node.engine.setRestricted(true)
        _ = node.takeSent()
        node.engine.setRestricted(true)
        #expect(node.takeSent().isEmpty)
        #expect(node.engine.statistics.endedByRestriction == 1)
    }
}
