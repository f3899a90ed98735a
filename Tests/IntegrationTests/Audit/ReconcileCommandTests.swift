import Foundation
import Testing

extension Integration {
    /// `sipswarm audit reconcile` over a call that crosses two nodes (customer sipp → na → nb → provider sipp), both
    /// peers of each other on their admin planes; ports 28240-28299.
    @Suite("audit reconcile")
    struct ReconcileCommandTests {
        static let receipt = "R-sipp-7f3a"

        @Test
        func bothSidesAgreeOnTheHop() async throws {
            let run = try await Self.call(base: 28_240, upstreamRate: "0.012500", downstreamRate: "0.012500")
            let reconciled = try await run.reconcile()
            #expect(reconciled.exitCode == 0, "\(reconciled)")
            #expect(reconciled.stdout.contains("\(Self.receipt)  agree"), "\(reconciled)")
            #expect(try run.alerts().isEmpty)
            await run.stop()
        }

        @Test
        func aRateOnlyOneSideBelievesIsAMismatchAndAnAlertOfTheRunningNode() async throws {
            let run = try await Self.call(base: 28_270, upstreamRate: "0.012500", downstreamRate: "0.013000")
            let reconciled = try await run.reconcile()
            #expect(reconciled.exitCode == 1, "\(reconciled)")
            #expect(reconciled.stdout.contains("\(Self.receipt)  mismatch  rate: ours"), "\(reconciled)")
            // The running node na picks the request up and records the alert in its own audit chain.
            let recorded = try await AuditSwarm.eventually(.seconds(30)) {
                try run.alerts().contains { $0.string("alert") == "reconcile_mismatch" && $0.string("receipt") == Self.receipt }
            }
            #expect(recorded, "na recorded no reconcile_mismatch alert:\n\(run.upstream.stderr(lines: 40))")
            let pending = (try? FileManager.default.contentsOfDirectory(atPath: run.upstream.dataDirectory.appendingPathComponent("admin/audit-alerts").path)) ?? []
            #expect(pending.filter { $0.hasSuffix(".json") }.isEmpty)
            await run.stop()
        }

        /// Both nodes running after one call that crossed them, with the per-minute rates each side priced the hop at.
        struct Run {
            let upstream: NodeProcess
            let downstream: NodeProcess
            let upstreamDirectory: TemporaryDirectory

            func reconcile() async throws -> ToolRun {
                try await LedgerTools.run(
                    "reconcile", TestEnvironment.sipswarmBinary,
                    ["audit", "reconcile", "--config", upstream.configURL.path, "--data-dir", upstream.dataDirectory.path, "--peer", "nb", "--receipt", ReconcileCommandTests.receipt],
                    in: upstreamDirectory
                )
            }

            func alerts() throws -> [JSONRecord] {
                try JSONRecord.readAll(in: upstream.dataDirectory.appendingPathComponent("audit"), kind: "audit")
                    .filter { $0.string("event") == "audit_alert" && $0.string("peer") == "nb" }
            }

            func stop() async {
                await upstream.stop()
                await downstream.stop()
            }
        }

        static func call(base: Int, upstreamRate: String, downstreamRate: String) async throws -> Run {
            let upstreamDirectory = try TemporaryDirectory(prefix: "reconcile-na")
            let downstreamDirectory = try TemporaryDirectory(prefix: "reconcile-nb")
            let keyA = try await Self.key(upstreamDirectory)
            let keyB = try await Self.key(downstreamDirectory)
            var downstream = NodeConfig(sipPort: base + 10, providers: [
                .init(id: "p1", port: base + 15, priority: 1, rateDeck: try TwoNodeReceiptTests.deck("p1", "0.010000", in: downstreamDirectory)),
            ])
            downstream.nodeID = "nb"
            downstream.customerRateDeck = try TwoNodeReceiptTests.deck("c1", downstreamRate, in: downstreamDirectory)
            downstream.checkpointIntervalSeconds = 1
            downstream.extraTOML = Self.audit(listen: base + 12, peer: "na", peerPort: base + 2, key: keyA)
            var upstream = NodeConfig(sipPort: base, providers: [
                .init(id: "nb", port: base + 10, priority: 1, rateDeck: try TwoNodeReceiptTests.deck("nb", upstreamRate, in: upstreamDirectory)),
            ])
            upstream.nodeID = "na"
            upstream.customerRateDeck = try TwoNodeReceiptTests.deck("c1", "0.015000", in: upstreamDirectory)
            upstream.checkpointIntervalSeconds = 1
            upstream.extraTOML = Self.audit(listen: base + 2, peer: "nb", peerPort: base + 12, key: keyB)

            let provider = try await SippProcess.startServer(
                "uas-p1", SippOptions(scenario: "uas_rated_receipt.xml", localPort: base + 15, calls: 1, timeLimitSeconds: 20), in: downstreamDirectory
            )
            let nodeB = try await NodeProcess.start(downstream, in: downstreamDirectory, processName: "sipswarm-nb")
            let nodeA = try await NodeProcess.start(upstream, in: upstreamDirectory, processName: "sipswarm-na")
            let customer = try SippProcess(
                "uac",
                SippOptions(
                    scenario: "uac_rated_receipt_echo.xml", localPort: base + 20, remote: "127.0.0.1:\(base)", calls: 1, rate: 1,
                    timeLimitSeconds: 20, service: TwoNodeReceiptTests.destination
                ),
                in: upstreamDirectory
            )
            let customerResult = await customer.wait(timeout: .seconds(25))
            _ = await finish(provider, within: .seconds(5))
            try #require(customerResult.exitCode == 0, "\(customerResult)")
            // The CDR must be under a checkpoint on both sides before anything can be proven.
            let covered = await AuditSwarm.eventually {
                [nodeA.dataDirectory, nodeB.dataDirectory].allSatisfy { Self.checkpointCoversOneCDR($0) }
            }
            try #require(covered, "no checkpoint covers the CDRs")
            return Run(upstream: nodeA, downstream: nodeB, upstreamDirectory: upstreamDirectory)
        }

        static func audit(listen: Int, peer: String, peerPort: Int, key: String) -> String {
            """
            [audit]
            listen = ["tcp:127.0.0.1:\(listen)"]
            publish_interval_s = 0.5
            silent_after_intervals = 1000

            [[peers]]
            id = "\(peer)"
            uri = "sip:audit@127.0.0.1:\(peerPort);transport=tcp"
            public_key = "\(key)"
            """
        }

        static func key(_ directory: TemporaryDirectory) async throws -> String {
            let shown = try await LedgerTools.keyShow(directory.url.appendingPathComponent("data", isDirectory: true), in: directory)
            guard shown.exitCode == 0 else { throw HarnessError("key show: \(shown)") }
            return shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func checkpointCoversOneCDR(_ data: URL) -> Bool {
            guard let records = try? JSONRecord.readAll(in: data.appendingPathComponent("checkpoint"), kind: "checkpoint"),
                  let last = records.max(by: { ($0.int("seq") ?? 0) < ($1.int("seq") ?? 0) })
            else { return false }
            return AuditSwarm.size("cdr", in: last.line) == 1
        }
    }
}
