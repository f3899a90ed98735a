import Testing

extension Integration {
    /// One call per test whose ending is decided by someone other than the happy path:
    /// a failing provider, a caller who gives up, a provider who hangs up.
    @Suite("call outcomes through the node")
    struct CallOutcomeTests {
        @Test
        func failsOverFromRejectingProviderToNext() async throws {
            let base = Ports.failover
            let directory = try TemporaryDirectory(prefix: "failover")
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [
                    .init(id: "p1", port: base + 20, priority: 1),
                    .init(id: "p2", port: base + 21, priority: 2),
                ]),
                in: directory
            )
            let rejecting = try await SippProcess.startServer(
                "uas-p1", SippOptions(scenario: "uas_503.xml", localPort: base + 20, calls: 1, timeLimitSeconds: 30), in: directory
            )
            let answering = try await SippProcess.startServer(
                "uas-p2", SippOptions(scenario: "uas_answer.xml", localPort: base + 21, calls: 1, timeLimitSeconds: 30), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 30),
                in: directory
            )
            let customerResult = await customer.wait()
            let rejectingResult = await finish(rejecting)
            let answeringResult = await finish(answering)
            let nodeExit = await node.stop()

            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(rejectingResult.exitCode == 0, "p1 should have received INVITE and ACK: \(rejectingResult)")
            #expect(answeringResult.exitCode == 0, "\(answeringResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")

            let cdrs = try node.cdrs()
            try #require(cdrs.count == 1, "\(cdrs)")
            #expect(cdrs[0].int("final_code") == 200, "\(cdrs[0])")
            #expect(cdrs[0].int("attempts") == 2, "\(cdrs[0])")
            #expect(cdrs[0].string("provider_id") == "p2", "\(cdrs[0])")

            let attempts = try node.attempts()
            #expect(attempts.count == 2, "\(attempts)")
            let first = attempts.first { $0.string("provider_id") == "p1" }
            let second = attempts.first { $0.string("provider_id") == "p2" }
            #expect(first?.int("response_code") == 503, "\(attempts)")
            #expect(first?.string("outcome") == "failed_over", "\(attempts)")
            #expect(second?.int("response_code") == 200, "\(attempts)")
            #expect(second?.string("outcome") == "answered", "\(attempts)")
        }

        @Test
        func callerCancelsWhileRinging() async throws {
            let base = Ports.cancel
            let directory = try TemporaryDirectory(prefix: "cancel")
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)]),
                in: directory
            )
            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_ring_forever.xml", localPort: base + 20, calls: 1, timeLimitSeconds: 30), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_cancel.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 30),
                in: directory
            )
            let customerResult = await customer.wait()
            let providerResult = await finish(provider)
            let nodeExit = await node.stop()

            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(providerResult.exitCode == 0, "provider should have seen CANCEL and ACK: \(providerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")

            let cdrs = try node.cdrs()
            try #require(cdrs.count == 1, "\(cdrs)")
            #expect(cdrs[0].int("final_code") == 487, "\(cdrs[0])")
            #expect(cdrs[0].string("released_by") == "customer", "\(cdrs[0])")
            #expect(cdrs[0].string("release_cause") == "cancel", "\(cdrs[0])")
        }

        @Test
        func providerHangsUp() async throws {
            let base = Ports.providerBye
            let directory = try TemporaryDirectory(prefix: "provider-bye")
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)]),
                in: directory
            )
            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_bye.xml", localPort: base + 20, calls: 1, timeLimitSeconds: 30), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_bye_from_peer.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 30),
                in: directory
            )
            let customerResult = await customer.wait()
            let providerResult = await finish(provider)
            let nodeExit = await node.stop()

            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(providerResult.exitCode == 0, "provider's BYE should have been answered: \(providerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")

            let cdrs = try node.cdrs()
            try #require(cdrs.count == 1, "\(cdrs)")
            #expect(cdrs[0].int("final_code") == 200, "\(cdrs[0])")
            #expect(cdrs[0].string("released_by") == "provider", "\(cdrs[0])")
        }
    }
}
