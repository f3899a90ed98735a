import NIOCore
@testable import Node
import Records
import RecordStore
import SIPCore
import Testing

/// The CDR's quality envelope: PDD and setup time, an RTCP summary on BYE, and RFC 6035 vq-rtcpxr PUBLISH reports.
@Suite struct QualityEnvelopeTests {
    static let report = """
        VQSessionReport: CallTerm
        CallID: a-leg-1@127.0.0.1
        LocalID: <sip:alice@127.0.0.1>
        RemoteID: <sip:bob@127.0.0.1>
        LocalMetrics:
        Timestamps:START=2026-11-27T10:00:00Z STOP=2026-11-27T10:01:00Z
        PacketLoss:NLR=0.5 JDR=0.0
        Delay:RTD=200 ESD=40 IAJ=12 MAJ=30
        QualityEst:RLQ=88 MOSLQ=4.2 MOSCQ=4.3
        RemoteMetrics:
        Delay:RTD=999 IAJ=99
        QualityEst:MOSLQ=1.0
        """

    static func publish(event: String = "vq-rtcpxr", body: String = QualityEnvelopeTests.report) -> SIPRequest {
        SIPText.request([
            "PUBLISH sip:collector@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-pub-1;rport",
            "Max-Forwards: 70",
            "From: <sip:alice@127.0.0.1>;tag=pub1",
            "To: <sip:collector@127.0.0.1>",
            "Call-ID: pub-1@127.0.0.1",
            "CSeq: 1 PUBLISH",
            "Event: \(event)",
        ], body: body, contentType: "application/vq-rtcpxr")
    }

    @Test func aReportDuringTheCallLandsInTheCDRLocalMetricsOnly() throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        node.receive(Self.publish())
        #expect(node.takeSent().routed == ["200→5070"])
        node.advance(by: .seconds(3))
        node.receive(call.customer.bye())
        let cdr = try #require(node.sink.cdrs.first)
        guard case .object(let quality)? = cdr.quality, case .object(let media)? = quality["media"] else {
            Issue.record("no media block: \(String(describing: cdr.quality))")
            return
        }
        #expect(media["source"] == .string("vq-rtcpxr"))
        #expect(media["mos_lq"] == .string("4.2"))
        #expect(media["mos_cq"] == .string("4.3"))
        #expect(media["rtt_ms"] == .integer(200))
        #expect(media["jitter_ms"] == .integer(12))
        #expect(media["loss_rate"] == .string("0.5"))
        // Setup time: INVITE at 0, 200 at 200 ms; ringing at 100 ms.
        #expect(quality["setup_ms"] == .integer(200))
        #expect(quality["pdd_ms"] == .integer(100))
        #expect(node.engine.statistics.qualityReportsAttached == 1)
    }

    /// Either header name, kept (lower-cased, as the node spells header names) as the summary's `source`.
    @Test(arguments: ["X-RTP-Stat", "P-RTP-Stat"])
    func anRTCPSummaryOnTheByeIsKept(header: String) throws {
        let node = EngineHarness()
        let call = try #require(node.establishCall())
        var bye = call.customer.bye()
        bye.headers.append(header, "PS=1200,OS=19200,PR=1190,OR=19040,PL=3,JI=12,LA=40,EN=PCMU")
        node.receive(bye)
        let cdr = try #require(node.sink.cdrs.first)
        guard case .object(let quality)? = cdr.quality, case .object(let media)? = quality["media"] else {
            Issue.record("no media block: \(String(describing: cdr.quality))")
            return
        }
        #expect(media["source"] == .string(header.lowercased()))
        #expect(media["pl"] == .integer(3))
        #expect(media["ji"] == .integer(12))
        #expect(media["la"] == .integer(40))
        #expect(media["en"] == .string("PCMU"))
    }

    @Test func publishesThatAreNotReportsOrNotFromCarriersAreRefused() throws {
        let node = EngineHarness()
        node.receive(Self.publish(event: "presence"))
        #expect(node.takeSent().routed == ["489→5070"])
        node.receive(Self.publish(body: "no call id here"))
        #expect(node.takeSent().routed == ["400→5070"])
        node.receive(Self.publish(), from: EngineHarness.strangerAddress)
        #expect(node.takeSent().map(\.label) == ["403"])
        // A report for a call the node does not know (or no longer has) is accepted and not kept.
        node.receive(Self.publish())
        #expect(node.takeSent().routed == ["200→5070"])
        #expect(node.engine.statistics.qualityReportsUnmatched == 1)
    }

    @Test func aVideoOfferMakesAVideoCDR() throws {
        let node = EngineHarness()
        var customer = CustomerCall()
        customer.body = CustomerCall.offer + "m=video 6002 RTP/AVP 96\n"
        let call = try #require(node.establishCall(customer))
        node.receive(call.customer.bye())
        #expect(node.sink.cdrs.first?.service == .video)
    }
}
