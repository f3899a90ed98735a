import Foundation
import Testing

extension Ports {
    /// Two nodes in a row: node `na` at +0, node `nb` at +10, the provider sipp at +15, the customer sipp at +20.
    static let twoNodeReceipt = 28_300
}

extension Integration {
    /// A call that crosses two SIPswarm nodes (issue 7): customer sipp → node `na` → node `nb` → provider sipp.
    /// `na`'s provider trunk `nb` is node `nb`; `nb` takes `na` as its customer `c1`. The provider proposes
    /// `X-BF-Receipt: R-sipp-7f3a` in its 200, the customer echoes it in its ACK, and the echo travels back down:
    /// `na` forwards it on its ACK to `nb`, which forwards it to the provider (whose scenario fails without it).
    @Suite("a call across two nodes")
    struct TwoNodeReceiptTests {
        static let destination = "15551234567"
        /// What `na` pays `nb` and what `nb` charges `na`: the same price, seen from both ends.
        static let hopRate = "0.012500"

        @Test
        func bothNodesRecordTheSameConfirmedReceiptAndAgreeOnTheHop() async throws {
            let base = Ports.twoNodeReceipt
            let upstreamDirectory = try TemporaryDirectory(prefix: "two-node-na")
            let downstreamDirectory = try TemporaryDirectory(prefix: "two-node-nb")

            var downstream = NodeConfig(sipPort: base + 10, providers: [
                .init(id: "p1", port: base + 15, priority: 1, rateDeck: try Self.deck("p1", "0.010000", in: downstreamDirectory)),
            ])
            downstream.nodeID = "nb"
            downstream.customerRateDeck = try Self.deck("c1", Self.hopRate, in: downstreamDirectory)
            var upstream = NodeConfig(sipPort: base, providers: [
                .init(id: "nb", port: base + 10, priority: 1, rateDeck: try Self.deck("nb", Self.hopRate, in: upstreamDirectory)),
            ])
            upstream.nodeID = "na"
            upstream.customerRateDeck = try Self.deck("c1", "0.015000", in: upstreamDirectory)

            let provider = try await SippProcess.startServer(
                "uas-p1",
                SippOptions(scenario: "uas_rated_receipt.xml", localPort: base + 15, calls: 1, timeLimitSeconds: 20, traceMessages: true),
                in: downstreamDirectory
            )
            let nodeB = try await NodeProcess.start(downstream, in: downstreamDirectory)
            let nodeA = try await NodeProcess.start(upstream, in: upstreamDirectory)
            let customer = try SippProcess(
                "uac",
                SippOptions(
                    scenario: "uac_rated_receipt_echo.xml", localPort: base + 20, remote: "127.0.0.1:\(base)", calls: 1, rate: 1,
                    timeLimitSeconds: 20, service: Self.destination, traceMessages: true
                ),
                in: upstreamDirectory
            )
            let customerResult = await customer.wait(timeout: .seconds(25))
            let providerResult = await finish(provider, within: .seconds(5))
            let exitA = await nodeA.stop()
            let exitB = await nodeB.stop()
            let logs = "logs in \(upstreamDirectory.path) and \(downstreamDirectory.path)"
            #expect(customerResult.exitCode == 0, "customer: \(customerResult)\n\(logs)")
            #expect(providerResult.exitCode == 0, "provider: \(providerResult)\n\(logs)")
            #expect(exitA == 0, "na stderr:\n\(nodeA.stderrTail)")
            #expect(exitB == 0, "nb stderr:\n\(nodeB.stderrTail)")

            let upstreamCDRs = try nodeA.cdrs()
            let downstreamCDRs = try nodeB.cdrs()
            try #require(upstreamCDRs.count == 1 && downstreamCDRs.count == 1, "\(upstreamCDRs)\n\(downstreamCDRs)\n\(logs)")
            let cdrA = upstreamCDRs[0]
            let cdrB = downstreamCDRs[0]

            // The same receipt, confirmed at both ends, each naming its own provider.
            let receiptA = try #require(cdrA.member("receipt"), "\(cdrA)")
            let receiptB = try #require(cdrB.member("receipt"), "\(cdrB)")
            #expect(receiptA.string("guid") == "R-sipp-7f3a", "\(cdrA)")
            #expect(receiptB.string("guid") == receiptA.string("guid"), "\(cdrA)\n\(cdrB)")
            #expect(receiptA.string("state") == "confirmed", "\(cdrA)")
            #expect(receiptB.string("state") == "confirmed", "\(cdrB)")
            #expect(receiptA.string("provider_id") == "nb", "\(cdrA)")
            #expect(receiptB.string("provider_id") == "p1", "\(cdrB)")

            // The hop as ReconcileVerifier reads it: na's provider leg is nb's customer leg (same Call-ID), na's price
            // toward nb is nb's price toward na, and both ends saw the answer and the end within a second.
            #expect(cdrA.member("b_leg")?.string("call_id") != nil, "\(cdrA)")
            #expect(cdrA.member("b_leg")?.string("call_id") == cdrB.member("a_leg")?.string("call_id"), "\(cdrA)\n\(cdrB)")
            #expect(cdrA.member("rating")?.member("provider")?.string("rate") == Self.hopRate, "\(cdrA)")
            #expect(cdrB.member("rating")?.member("customer")?.string("rate") == Self.hopRate, "\(cdrB)")
            #expect(cdrA.member("rating")?.string("currency") == cdrB.member("rating")?.string("currency"), "\(cdrA)\n\(cdrB)")
            for field in ["answer_us", "end_us"] {
                let a = try #require(cdrA.int(field), "\(cdrA)")
                let b = try #require(cdrB.int(field), "\(cdrB)")
                #expect(abs(a - b) <= 1_000_000, "\(field): \(a) vs \(b)")
            }

            // Each CDR is proven by its own node's signed ledger, checked with that node's key alone.
            for (node, cdr, directory) in [(nodeA, cdrA, upstreamDirectory), (nodeB, cdrB, downstreamDirectory)] {
                let id = try #require(cdr.string("id"), "\(cdr)")
                let proof = directory.file("proof-\(id).json")
                let built = try await LedgerTools.run(
                    "proof", TestEnvironment.sipswarmBinary, ["proof", node.dataDirectory.path, "--cdr-id", id, "--output", proof.path], in: directory
                )
                #expect(built.exitCode == 0, "\(built)")
                let key = try String(contentsOf: node.dataDirectory.appendingPathComponent("keys/node-ed25519.pub"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let checked = try await LedgerTools.run(
                    "proof-verify", TestEnvironment.sipswarmBinary, ["proof", "--verify", proof.path, "--public-key", key], in: directory
                )
                #expect(checked.exitCode == 0, "\(checked)")
            }
        }

        /// `<name>.csv`: one per-minute row for prefix 1, 6/6 increments, EUR (as `RatedNetwork` writes them).
        static func deck(_ name: String, _ rate: String, in directory: TemporaryDirectory) throws -> String {
            let file = directory.file("\(name).csv")
            let header = "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until"
            try "\(header)\n1,\(rate),EUR,per-min,6,6,0,0,2020-01-01T00:00:00Z,\n".write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
    }
}
