import Foundation
import Ledger
import Testing
@testable import Node

@Suite struct WitnessStoreTests {
    @Test func savedStateReloadsAndLeavesNoTemporaryFile() throws {
        let data = AuditFixtures.temporaryDirectory()
        let peerData = AuditFixtures.temporaryDirectory()
        try AuditFixtures.writeRun(dataDirectory: peerData, nodeID: "p", records: 3)
        let line = try AuditFixtures.latestCheckpoint(dataDirectory: peerData)
        let store = WitnessStore(dataDirectory: data)
        #expect(try store.load(peerID: "p") == WitnessFile(peerID: "p"))

        var file = WitnessFile(peerID: "p")
        file.state.latest = try CheckpointStatement(line: line)
        file.state.acceptedCount = 4
        file.lastHeardMicros = 10
        file.lastAcceptedMicros = 9
        file.alertCount = 2
        file.lastAlert = "shrank"
        file.lastAlertMicros = 8
        try store.save(file)
        #expect(try store.load(peerID: "p") == file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/witness") == ["p.json"])
    }

    @Test func aFileOfAnotherPeerOrGarbageIsRefused() throws {
        let data = AuditFixtures.temporaryDirectory()
        let store = WitnessStore(dataDirectory: data)
        try store.save(WitnessFile(peerID: "a"))
        try FileManager.default.copyItem(atPath: store.path(of: "a"), toPath: store.path(of: "b"))
        #expect(throws: AuditStoreError.self) { try store.load(peerID: "b") }
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.path(of: "c")))
        #expect(throws: AuditStoreError.self) { try store.load(peerID: "c") }
    }

    @Test func acknowledgementBodiesRoundTripAndRefuseOtherShapes() {
        let acknowledgement = WitnessAcknowledgement(held: ["cdr": 4, "audit": 2], seq: 7)
        #expect(String(decoding: acknowledgement.encoded(), as: UTF8.self) == #"{"held":{"audit":2,"cdr":4},"seq":7}"#)
        #expect(WitnessAcknowledgement(body: acknowledgement.encoded()) == acknowledgement)
        #expect(WitnessAcknowledgement(body: Array(#"{"held":{"cdr":-1},"seq":7}"#.utf8)) == nil)
        #expect(WitnessAcknowledgement(body: Array(#"{"held":{},"seq":0,"x":1}"#.utf8)) == nil)
    }
}
