import Foundation
import Ledger
import Logging
import MetricsTestKit
import Records
import Testing
@testable import Node

@Suite struct PeerWitnessTests {
    /// A witness "n1" of the peer "n2", over a fresh data directory, with a manual clock and test metrics.
    struct Setup {
        let peerData = AuditFixtures.temporaryDirectory()
        let witnessData = AuditFixtures.temporaryDirectory()
        let records = RecordingAuditRecords()
        let metrics = TestMetrics()
        let clock = ManualMicrosecondClock(1_800_000_000_000_000)
        let peerKey: NodeSigningKey
        let peer: PeerSettings

        init(records count: Int = 5) throws {
            peerKey = try AuditFixtures.writeRun(dataDirectory: peerData, nodeID: "n2", records: count)
            peer = PeerSettings(id: "n2", uri: "sip:audit@127.0.0.1:28200;transport=tcp", host: "127.0.0.1", port: 28200, transport: .tcp, publicKey: peerKey.publicKeyBytes)
        }

        func witness(silence: Duration = .seconds(3)) -> PeerWitness {
            PeerWitness(
                directory: PeerDirectory(peers: [peer]),
                store: WitnessStore(dataDirectory: witnessData),
                records: records,
                alerter: AuditAlerter(records: records, logger: Logger(label: "test"), metrics: metrics, clock: clock),
                silenceThreshold: silence,
                clock: clock,
                logger: Logger(label: "test")
            )
        }

        func alerts(_ code: String) -> Int64 {
            metrics.counterTotal(label: AuditAlerter.metricLabel, dimensions: [("alert", code), ("peer", "n2")])
        }
    }

    static let contentType = CheckpointPublication.contentType

    @Test func firstCheckpointIsAcceptedPersistedAndRecorded() async throws {
        let setup = try Setup()
        let publication = try AuditFixtures.publication(dataDirectory: setup.peerData)
        let answer = await setup.witness().publish(body: publication.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        guard case .ok(let acknowledgement, let tag) = answer else {
            Issue.record("expected 200, got \(answer)")
            return
        }
        #expect(acknowledgement.held == publication.checkpoint.sizes)
        #expect(acknowledgement.seq == publication.checkpoint.seq)
        #expect(tag == String(publication.checkpoint.hash.hex.prefix(16)))
        // Durable: a new witness over the same folder holds it.
        let reloaded = try await setup.witness().file(of: "n2")
        #expect(reloaded.state.latest?.line == publication.checkpoint.line)
        #expect(reloaded.state.acceptedCount == 1)
        let accepted = setup.records.events("peer_checkpoint_accepted")
        #expect(accepted.count == 1)
        #expect(accepted.first?["checkpoint"] == .string(publication.checkpoint.line))
        #expect(accepted.first?["peer"] == .string("n2"))
    }

    @Test func sameCheckpointAgainChangesNothingAndGrowthNeedsProofFromHeldSizes() async throws {
        let setup = try Setup()
        let witness = setup.witness()
        let first = try AuditFixtures.publication(dataDirectory: setup.peerData)
        _ = await witness.publish(body: first.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        let again = await witness.publish(body: first.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(again.statusCode == 200)
        #expect(setup.records.events("peer_checkpoint_accepted").count == 1)

        try AuditFixtures.writeRun(dataDirectory: setup.peerData, nodeID: "n2", records: 7)
        let fromScratch = try AuditFixtures.publication(dataDirectory: setup.peerData)
        let refused = await witness.publish(body: fromScratch.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(refused == .conditionFailed(WitnessAcknowledgement(held: first.checkpoint.sizes, seq: first.checkpoint.seq)))

        let proven = try AuditFixtures.publication(dataDirectory: setup.peerData, acknowledged: first.checkpoint.sizes)
        let answer = await witness.publish(body: proven.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(answer.statusCode == 200)
        #expect(try await witness.file(of: "n2").state.latest?.seq == proven.checkpoint.seq)
        #expect(setup.records.events("peer_checkpoint_accepted").count == 2)
        #expect(setup.records.events("audit_alert").isEmpty)
    }

    @Test func equivocationIsRefusedWithBothCheckpointsKept() async throws {
        let setup = try Setup()
        let witness = setup.witness()
        let honest = try AuditFixtures.publication(dataDirectory: setup.peerData)
        _ = await witness.publish(body: honest.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)

        // The same sizes, another audit root, signed with the peer's real key and a later seq.
        var chains: [String: CanonicalJSON] = [:]
        for (kind, head) in honest.checkpoint.heads {
            let root = kind == "audit" ? LedgerHash.sha256(Array("forged".utf8)) : head.root
            chains[kind] = .object(["root": .string(root.hex), "size": .integer(Int64(head.size))])
        }
        let forged = try AuditFixtures.resigned(
            honest.checkpoint.line, ["chains": .object(chains), "seq": .integer(Int64(honest.checkpoint.seq + 1))], key: setup.peerKey
        )
        let body = Self.body(line: forged, sizes: honest.checkpoint.sizes)
        let answer = await witness.publish(body: body, contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(answer.statusCode == 488)
        let file = try await witness.file(of: "n2")
        #expect(file.state.latest?.line == honest.checkpoint.line)
        #expect(file.alertCount == 1)
        #expect(file.lastAlert == "equivocation")
        #expect(setup.alerts("equivocation") == 1)
        let alert = try #require(setup.records.events("audit_alert").first)
        #expect(alert["alert"] == .string("equivocation"))
        #expect(alert["held_checkpoint"] == .string(honest.checkpoint.line))
        #expect(alert["offered_checkpoint"] == .string(forged))
        // Evidence on disk holds both signed statements.
        let folder = WitnessStore(dataDirectory: setup.witnessData).evidenceFolder(of: "n2")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.count == 1)
        let evidence = try String(contentsOfFile: folder + "/" + (names.first ?? ""), encoding: .utf8)
        #expect(evidence.contains("\"offered_checkpoint\""))
        #expect(evidence.contains("\"held_checkpoint\""))

        // The same forgery again is the same event: no second alert.
        _ = await witness.publish(body: body, contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(setup.alerts("equivocation") == 1)
    }

    @Test func badSignatureIsForbiddenAndChangesNoWitnessedState() async throws {
        let setup = try Setup()
        let witness = setup.witness()
        let honest = try AuditFixtures.publication(dataDirectory: setup.peerData)
        _ = await witness.publish(body: honest.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        let heardBefore = try await witness.file(of: "n2").lastHeardMicros
        setup.clock.set(1_800_000_100_000_000)

        let otherKey = Array(repeating: UInt8(0), count: 64)
        let forged = try AuditFixtures.resealed(honest.checkpoint.line, ["signature": .string(Data(otherKey).base64EncodedString())])
        let answer = await witness.publish(body: Self.body(line: forged, sizes: honest.checkpoint.sizes), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        #expect(answer.statusCode == 403)
        let file = try await witness.file(of: "n2")
        #expect(file.state.latest?.line == honest.checkpoint.line)
        #expect(file.state.acceptedCount == 1)
        #expect(file.lastHeardMicros == heardBefore)
        #expect(setup.alerts("bad_signature") == 1)
    }

    @Test func unknownContentTypeIsRefusedWithoutAnAlert() async throws {
        let setup = try Setup()
        let publication = try AuditFixtures.publication(dataDirectory: setup.peerData)
        let answer = await setup.witness().publish(body: publication.encoded(), contentType: "text/plain", ifMatch: nil, from: setup.peer)
        #expect(answer == .unsupportedMediaType)
        #expect(setup.records.all.isEmpty)
    }

    @Test func silenceAlertsOnceAndRearmsWhenThePeerSpeaks() async throws {
        let setup = try Setup()
        let witness = setup.witness(silence: .seconds(3))
        await witness.checkSilence()
        #expect(setup.alerts("silent") == 0)
        setup.clock.set(1_800_000_003_500_000)
        await witness.checkSilence()
        await witness.checkSilence()
        #expect(setup.alerts("silent") == 1)

        let publication = try AuditFixtures.publication(dataDirectory: setup.peerData)
        _ = await witness.publish(body: publication.encoded(), contentType: Self.contentType, ifMatch: nil, from: setup.peer)
        await witness.checkSilence()
        #expect(setup.alerts("silent") == 1)
        setup.clock.set(1_800_000_007_100_000)
        await witness.checkSilence()
        #expect(setup.alerts("silent") == 2)
        // Silence is a state, not a counted alert.
        #expect(try await witness.file(of: "n2").alertCount == 0)
    }

    /// A publication body for `line` whose proofs claim "nothing new" at `sizes` (for hand-made checkpoints).
    static func body(line: String, sizes: [String: UInt64]) -> [UInt8] {
        var proofs: [String: CanonicalJSON] = [:]
        for (kind, size) in sizes {
            proofs[kind] = .object(["from_size": .integer(Int64(size)), "path": .array([]), "to_size": .integer(Int64(size))])
        }
        return CanonicalJSON.object(["checkpoint": .string(line), "proofs": .object(proofs)]).canonicalBytes()
    }
}
