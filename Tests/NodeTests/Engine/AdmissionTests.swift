import NIOCore
@testable import Node
import Records
import SIPCore
import RecordStore
import Testing

@Suite struct AdmissionTests {
    @Test func inviteFromAStrangerIsForbidden() throws {
        let node = EngineHarness()
        node.receive(CustomerCall().invite(), from: EngineHarness.strangerAddress)
        let sent = node.takeSent()
        #expect(sent.map(\.label) == ["403"])
        #expect(sent.first?.address == EngineHarness.strangerAddress)
        #expect(sent.first?.response?.to?.tag != nil)
        #expect(node.engine.activeSessions.isEmpty)
        #expect(node.engine.statistics.forbidden == 1)
        node.advance(by: .seconds(40))
        #expect(node.takeSent().isEmpty)
        #expect(node.sink.emitted.isEmpty)
    }

    @Test func maxForwardsZeroIs483() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.maxForwards = 0
        node.receive(customer.invite())
        #expect(node.takeSent().routed == ["483→5070"])
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func viaWithOurBranchPrefixIsALoop() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.extraHeaders = ["Via: SIP/2.0/UDP 127.0.0.1:5060;branch=\(node.engine.ids.branchPrefix)abc"]
        node.receive(customer.invite())
        #expect(node.takeSent().routed == ["482→5070"])
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func optionsIsAnsweredForAnyone() throws {
        let node = EngineHarness()
        let options = SIPText.request([
            "OPTIONS sip:127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK-opt-1",
            "Max-Forwards: 70",
            "From: <sip:probe@192.0.2.10>;tag=opt",
            "To: <sip:127.0.0.1:5060>",
            "Call-ID: options-1@192.0.2.10",
            "CSeq: 1 OPTIONS",
        ])
        node.receive(options, from: EngineHarness.strangerAddress)
        let sent = node.takeSent()
        #expect(sent.map(\.label) == ["200"])
        #expect(sent.first?.address == EngineHarness.strangerAddress)
        #expect(sent.first?.response?.headers[.allow] == NodeEngine.allowedMethods)
        #expect(node.engine.activeSessions.isEmpty)
    }

    @Test func inDialogRequestForAnUnknownDialogIs481() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.toTag = "no-such-dialog"
        node.receive(customer.bye())
        #expect(node.takeSent().routed == ["481→5070"])
        node.receive(customer.inDialog("INFO", cseq: 3, branch: "z9hG4bK-cust-info-9"))
        #expect(node.takeSent().routed == ["481→5070"])
        #expect(node.engine.activeSessions.isEmpty)
        #expect(node.sink.emitted.isEmpty)
    }

    @Test func drainingRefusesNewCallsAndEndsTheRemainingOnes() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall())
        node.engine.beginDrain()

        var second = CustomerCall()
        second.callID = "a-leg-2@127.0.0.1"
        second.inviteBranch = "z9hG4bK-cust-inv-2"
        node.receive(second.invite())
        var sent = node.takeSent()
        #expect(sent.routed == ["503→5070"])
        #expect(sent.first?.response?.headers[.retryAfter] == "30")
        #expect(node.engine.activeSessions.count == 1)
        #expect(node.engine.statistics.refusedWhileDraining == 1)

        node.advance(by: .seconds(5))
        node.engine.terminateRemainingSessions()
        sent = node.takeSent()
        #expect(sent.routed == ["BYE→5080", "BYE→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(node.sink.cdrs.count == 1)
        #expect(cdr.releasedBy == .node)
        #expect(cdr.releaseCause == .drain)
        #expect(cdr.endMicros == EngineHarness.at(.milliseconds(5300)))
        #expect(node.engine.activeSessions.isEmpty)
        // The two BYEs wait for their answers; p1's answered INVITE (Accepted, Timer M) does not hold up the stop.
        #expect(node.engine.pendingClientTransactions == 2)
    }
}
