import Testing

extension Integration {
    /// Many ordinary calls through the node: every call completes and leaves exactly one CDR
    /// and one attempt record.
    @Suite("call volume through the node")
    struct CallVolumeTests {
        @Test
        func twoHundredCallsOverUDP() async throws {
            try await runCalls(count: 200, rate: 50, transport: .udp, basePort: Ports.udpCalls)
        }

        @Test
        func fiftyCallsOverTCP() async throws {
            try await runCalls(count: 50, rate: 25, transport: .tcp, basePort: Ports.tcpCalls)
        }

        private func runCalls(count: Int, rate: Int, transport: SippOptions.Transport, basePort: Int) async throws {
            let directory = try TemporaryDirectory(prefix: "volume-\(transport)")
            let providerPort = basePort + 20
            let providerTransport = transport == .tcp ? "tcp" : "udp"
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: basePort, providers: [.init(id: "p1", port: providerPort, transport: providerTransport, priority: 1)]),
                in: directory
            )
            let provider = try await SippProcess.startServer(
                "uas",
                SippOptions(scenario: "uas_answer.xml", localPort: providerPort, transport: transport, calls: count, timeLimitSeconds: 90),
                in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(
                    scenario: "uac_call.xml", localPort: basePort + 40, remote: "127.0.0.1:\(basePort)",
                    transport: transport, calls: count, rate: rate, timeLimitSeconds: 90
                ),
                in: directory
            )
            let customerResult = await customer.wait()
            let providerResult = await finish(provider)
            let nodeExit = await node.stop()

            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(customerResult.successfulCalls == count, "\(customerResult)")
            #expect(customerResult.failedCalls == 0, "\(customerResult)")
            #expect(providerResult.successfulCalls == count, "\(providerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")

            let cdrs = try node.cdrs()
            #expect(cdrs.count == count)
            let notAnswered = cdrs.filter { $0.int("final_code") != 200 }
            #expect(notAnswered.isEmpty, "CDRs without final_code 200: \(notAnswered.prefix(3))")
            #expect(cdrs.allSatisfy { $0.string("provider_id") == "p1" }, "\(cdrs.prefix(3))")

            let attempts = try node.attempts()
            #expect(attempts.count == count)
            #expect(attempts.allSatisfy { $0.string("outcome") == "answered" }, "\(attempts.prefix(3))")
        }
    }
}
