import Testing

extension Integration {
    /// Bad input never crashes the node (DESIGN invariant 10): thousands of malformed
    /// datagrams and broken TCP streams, then ordinary calls still work.
    @Suite("robustness against malformed traffic")
    struct RobustnessTests {
        static let datagramCount = 5_000
        static let streamCount = 200

        @Test
        func survivesGarbageAndKeepsServing() async throws {
            let base = Ports.robustness
            let directory = try TemporaryDirectory(prefix: "robustness")
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)]),
                in: directory
            )

            let probe = try await UDPProbe.bind()
            var generator = GarbageGenerator(seed: 0x5EED_CAFE, nodePort: base, replyPort: probe.port)
            var sent = 0
            while sent < Self.datagramCount {
                let batch = (0..<min(100, Self.datagramCount - sent)).map { _ in generator.datagram() }
                try await probe.sendBatch(batch, toPort: base)
                sent += batch.count
                // Paced so the kernel's receive buffer, not the test, decides what the node sees.
                try await Task.sleep(for: .milliseconds(5))
            }
            let badRequest = await probe.waitFor(timeout: .seconds(3)) { $0.hasPrefix("SIP/2.0 400") }
            let answers = probe.received
            await probe.close()

            let connectFailures = try await sendGarbageStreams(toPort: base, generator: &generator)
            try await Task.sleep(for: .milliseconds(500))

            #expect(node.isRunning, "node died under malformed input:\n\(node.stderrTail)")
            #expect(badRequest != nil, "no 400 came back for \(answers.count) answers: \(answers.prefix(3))")
            #expect(connectFailures == 0, "TCP connections refused after garbage")
            #expect(try await node.answersOptions(), "node stopped answering OPTIONS:\n\(node.stderrTail)")

            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: 20, timeLimitSeconds: 40), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 20, rate: 20, timeLimitSeconds: 40),
                in: directory
            )
            let customerResult = await customer.wait()
            _ = await finish(provider)
            let nodeExit = await node.stop()

            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(customerResult.successfulCalls == 20, "\(customerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")
            #expect(try node.cdrs().filter { $0.int("final_code") == 200 }.count == 20)
        }

        /// Streams of garbage, ten at a time; odd ones are real requests cut off mid-message.
        private func sendGarbageStreams(toPort port: Int, generator: inout GarbageGenerator) async throws -> Int {
            var payloads: [(bytes: [UInt8], abrupt: Bool)] = []
            for index in 0..<Self.streamCount {
                if index.isMultiple(of: 2) {
                    payloads.append((generator.datagram(), false))
                } else {
                    let invite = Array(SIPText.invite(toPort: port, replyPort: port + 41, tag: "tcp\(index)").utf8)
                    payloads.append((Array(invite.prefix(invite.count * (index % 10 + 1) / 12)), true))
                }
            }
            var failures = 0
            for chunk in stride(from: 0, to: payloads.count, by: 10) {
                let slice = payloads[chunk..<min(chunk + 10, payloads.count)]
                failures += await withTaskGroup(of: Int.self) { group in
                    for payload in slice {
                        group.addTask {
                            do {
                                try await TCPGarbage.send(payload.bytes, toPort: port, closeAbruptly: payload.abrupt, linger: .milliseconds(50))
                                return 0
                            } catch {
                                return 1
                            }
                        }
                    }
                    return await group.reduce(0, +)
                }
            }
            return failures
        }
    }
}
