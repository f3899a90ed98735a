import Metrics
import MetricsTestKit
import NIOCore
@testable import Node
import RecordStore
import SIPCore
import Testing

/// The setup delay the node adds (issue 9): INVITE in → INVITE out and 200 in → 200 out, one value per call each, and
/// the active-session gauge.
@Suite struct SetupDelayMetricsTests {
    /// A value the engine's own work could take: more than nothing, well under a second even on a loaded machine.
    static func plausible(_ nanoseconds: Int64) -> Bool {
        nanoseconds > 0 && nanoseconds < 1_000_000_000
    }

    @Test func eachCallRecordsOneInviteAndOneAnswerDelay() throws {
        let metrics = TestMetrics()
        let node = EngineHarness(metrics: metrics)
        let invite = try metrics.expectTimer(EngineMetrics.setupDelayLabel, [("step", "invite")])
        let answer = try metrics.expectTimer(EngineMetrics.setupDelayLabel, [("step", "answer")])
        let active = try metrics.expectGauge(EngineMetrics.activeSessionsLabel)

        for number in 1...2 {
            var customer = CustomerCall()
            customer.callID = "a-leg-\(number)@127.0.0.1"
            customer.inviteBranch = "z9hG4bK-cust-inv-\(number)"
            let call = try #require(node.establishCall(customer))
            #expect(invite.values.count == number)
            #expect(answer.values.count == number)
            #expect(active.lastValue == 1)

            // In-dialog traffic and the hang-up record nothing more.
            node.receive(call.customer.bye(branch: "z9hG4bK-cust-bye-\(number)"))
            #expect(node.takeSent().routed == ["200→5070", "BYE→5080"])
            #expect(invite.values.count == number)
            #expect(answer.values.count == number)
            #expect(active.lastValue == 0)
            // The provider never answers the BYE: its retransmissions run out before the next call.
            node.advance(by: .seconds(40))
            _ = node.takeSent()
        }
        #expect(invite.values.allSatisfy(Self.plausible), "\(invite.values)")
        #expect(answer.values.allSatisfy(Self.plausible), "\(answer.values)")
        #expect(node.sink.cdrs.count == 2)
    }

    @Test func aFailoverStillRecordsOneInviteDelay() throws {
        let metrics = TestMetrics()
        let node = EngineHarness(metrics: metrics)
        let invite = try metrics.expectTimer(EngineMetrics.setupDelayLabel, [("step", "invite")])

        let first = try #require(node.startCall())
        node.receive(Reply.to(first, 503), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "INVITE→5081"])
        // Only the customer's INVITE → the first provider INVITE counts; the failover INVITE is routing, not setup.
        #expect(invite.values.count == 1)
        let second = try #require(sent.last?.request)
        node.receive(Reply.to(second, 200, contact: "<sip:bob@127.0.0.1:5081>", body: Reply.answer), from: EngineHarness.p2Address)
        #expect(node.takeSent().routed == ["ACK→5081", "200→5070"])
        let answer = try metrics.expectTimer(EngineMetrics.setupDelayLabel, [("step", "answer")])
        #expect(answer.values.count == 1)
        #expect(invite.values.allSatisfy(Self.plausible) && answer.values.allSatisfy(Self.plausible))
    }
}
