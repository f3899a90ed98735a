import Foundation
import Ledger
import Records
import Logging
import MetricsTestKit
import Testing
@testable import Node

/// Two audit services in one process over real sockets (ports 28201-28204, 28206-28207): the admin plane, the transactions,
/// the publisher and the witness end to end.
@Suite(.serialized) struct AuditServiceTests {
    struct TestNode {
        let id: String
        let data = AuditFixtures.temporaryDirectory()
        var port: Int
        let key: NodeSigningKey
        let records = RecordingAuditRecords()
        let metrics = TestMetrics()

        init(id: String, port: Int, records count: Int) throws {
            self.id = id
            self.port = port
            self.key = try AuditFixtures.writeRun(dataDirectory: data, nodeID: id, records: count)
        }

        /// The same node (data, key, records, metrics) on another port. A second start within one test binds fresh
        /// ports: CI once saw the first start's port still refused ("Address already in use") right after its close.
        func onPort(_ newPort: Int) -> TestNode {
            var moved = self
            moved.port = newPort
            return moved
        }

        var peerSettings: PeerSettings {
            PeerSettings(id: id, uri: "sip:audit@127.0.0.1:\(port);transport=tcp", host: "127.0.0.1", port: port, transport: .tcp, publicKey: key.publicKeyBytes)
        }

        func service(peers: [TestNode], interval: Duration = .milliseconds(200)) throws -> AuditService {
            let settings = AuditSettings(
                listen: [ListenAddress(transport: .tcp, host: "127.0.0.1", port: port)], publishInterval: interval,
                silentAfterIntervals: 1000, peers: peers.map(\.peerSettings)
            )
            let configuration = NodeConfiguration(nodeID: id, listen: [], dataDirectory: data, customers: [], providers: [], audit: settings)
            return try AuditService(configuration: configuration, settings: settings, records: records, logger: Logger(label: id), metrics: metrics)
        }

        func witnessed(_ peer: String) -> WitnessFile? {
            try? WitnessStore(dataDirectory: data).load(peerID: peer)
        }
    }

    static func eventually(_ timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func peersWitnessEachOthersLatestCheckpoint() async throws {
        let a = try TestNode(id: "a", port: 28201, records: 4)
        let b = try TestNode(id: "b", port: 28202, records: 9)
        let serviceA = try a.service(peers: [b])
        let serviceB = try b.service(peers: [a])
        try await serviceA.start()
        try await serviceB.start()
        let latestA = try CheckpointStatement(line: AuditFixtures.latestCheckpoint(dataDirectory: a.data))
        let latestB = try CheckpointStatement(line: AuditFixtures.latestCheckpoint(dataDirectory: b.data))
        let held = await withTaskGroup(of: Void.self) { group -> Bool in
            group.addTask { try? await serviceA.run() }
            group.addTask { try? await serviceB.run() }
            let held = await Self.eventually {
                b.witnessed("a")?.state.latest?.line == latestA.line && a.witnessed("b")?.state.latest?.line == latestB.line
            }
            group.cancelAll()
            return held
        }
        #expect(held)
        #expect(a.witnessed("b")?.state.heldSizes == latestB.sizes)
        #expect(b.witnessed("a")?.state.heldSizes == latestA.sizes)
        #expect(a.records.events("peer_checkpoint_accepted").count == 1)
        #expect(b.records.events("audit_alert").isEmpty)
        // Later publications of the same checkpoint are refreshes: nothing more is recorded.
        #expect(b.records.events("peer_checkpoint_accepted").count == 1)
    }

    @Test func aPeerThatRewroteHistoryIsCaughtAtItsNextPublication() async throws {
        let a = try TestNode(id: "a", port: 28203, records: 6)
        let b = try TestNode(id: "b", port: 28204, records: 2)
        let honest = try CheckpointStatement(line: AuditFixtures.latestCheckpoint(dataDirectory: a.data))
        let witnessB = try b.service(peers: [a])
        let publisherA = try a.service(peers: [b])
        try await witnessB.start()
        try await publisherA.start()
        let witnessed = await withTaskGroup(of: Void.self) { group -> Bool in
            group.addTask { try? await witnessB.run() }
            group.addTask { try? await publisherA.run() }
            let witnessed = await Self.eventually { b.witnessed("a")?.state.latest?.line == honest.line }
            group.cancelAll()
            return witnessed
        }
        #expect(witnessed)
        // Node a's chains are replaced by another history under the same node id and key, longer than the first.
        try FileManager.default.removeItem(atPath: a.data + "/audit")
        try FileManager.default.removeItem(atPath: a.data + "/checkpoint")
        try AuditFixtures.writeRun(dataDirectory: a.data, nodeID: "a", records: 9)
        let witnessAgain = try b.onPort(28207).service(peers: [a.onPort(28206)])
        let publisherAgain = try a.onPort(28206).service(peers: [b.onPort(28207)])
        try await witnessAgain.start()
        try await publisherAgain.start()
        let caught = await withTaskGroup(of: Void.self) { group -> Bool in
            group.addTask { try? await witnessAgain.run() }
            group.addTask { try? await publisherAgain.run() }
            let caught = await Self.eventually { !b.records.events("audit_alert").isEmpty }
            group.cancelAll()
            return caught
        }
        #expect(caught)
        let codes = b.records.events("audit_alert").compactMap { $0["alert"] }
        #expect(codes.allSatisfy { $0 == .string("inconsistent") || $0 == .string("equivocation") }, "\(codes)")
        #expect(b.witnessed("a")?.state.latest?.line == honest.line)
        #expect(b.metrics.counterTotal(label: AuditAlerter.metricLabel) >= 1)
    }
}
