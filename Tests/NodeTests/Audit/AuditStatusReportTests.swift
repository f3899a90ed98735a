import Foundation
import Ledger
import Records
import Testing
@testable import Node

@Suite struct AuditStatusReportTests {
    @Test func statesComeFromTheWitnessFilesAndTheSilenceThreshold() throws {
        let data = AuditFixtures.temporaryDirectory()
        let peerData = AuditFixtures.temporaryDirectory()
        try AuditFixtures.writeRun(dataDirectory: peerData, nodeID: "p", records: 2)
        let checkpoint = try CheckpointStatement(line: AuditFixtures.latestCheckpoint(dataDirectory: peerData))
        let store = WitnessStore(dataDirectory: data)
        func peer(_ id: String) -> PeerSettings {
            PeerSettings(id: id, uri: "sip:audit@127.0.0.1:5062", host: "127.0.0.1", port: 5062, transport: .tcp, publicKey: [])
        }
        // "ok": heard 10 s ago; "quiet": heard 200 s ago; "bad": an alert; "new": nothing stored.
        var ok = WitnessFile(peerID: "p")
        ok.state.latest = checkpoint
        ok.lastHeardMicros = 1_000_000_000 - 10_000_000
        try store.save(ok)
        var quiet = WitnessFile(peerID: "quiet")
        quiet.lastHeardMicros = 1_000_000_000 - 200_000_000
        try store.save(quiet)
        var bad = WitnessFile(peerID: "bad")
        bad.lastHeardMicros = 1_000_000_000
        bad.alertCount = 2
        bad.lastAlert = "equivocation"
        try store.save(bad)

        let settings = AuditSettings(publishInterval: .seconds(60), silentAfterIntervals: 3, peers: ["p", "quiet", "bad", "new"].map(peer))
        let report = AuditStatusReport(settings: settings, dataDirectory: data, nowMicros: 1_000_000_000)
        #expect(report.peers.map(\.state) == [.ok, .silent, .alerted, .neverHeard])
        #expect(report.peers[0].checkpointSeq == checkpoint.seq)
        #expect(report.peers[0].sizes == checkpoint.sizes)
        #expect(report.peers[2].lastAlert == "equivocation")
        let json = report.canonicalJSON().canonicalString()
        #expect(json.contains(#""peer":"new","sizes":{},"state":"never heard""#))
        #expect(report.text().contains("bad  alerted"))
    }
}
