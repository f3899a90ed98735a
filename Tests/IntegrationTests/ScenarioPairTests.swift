import Testing

extension Integration {
    /// The sipp scenarios against each other with no node in between: proves the scenarios
    /// and the sipp half of the harness before any node test relies on them.
    @Suite("sipp scenario pairs")
    struct ScenarioPairTests {
        struct Pair: Sendable, CustomTestStringConvertible {
            let client: String
            let server: String
            let transport: SippOptions.Transport
            let calls: Int
            let portOffset: Int

            var testDescription: String { "\(client) ↔ \(server) over \(transport)" }
        }

        static let pairs: [Pair] = [
            Pair(client: "uac_call.xml", server: "uas_answer.xml", transport: .udp, calls: 10, portOffset: 0),
            Pair(client: "uac_call.xml", server: "uas_answer.xml", transport: .tcp, calls: 10, portOffset: 10),
            Pair(client: "uac_cancel.xml", server: "uas_ring_forever.xml", transport: .udp, calls: 3, portOffset: 20),
            Pair(client: "uac_bye_from_peer.xml", server: "uas_bye.xml", transport: .udp, calls: 3, portOffset: 30),
            Pair(client: "uac_bye_from_peer.xml", server: "uas_bye.xml", transport: .tcp, calls: 3, portOffset: 40),
        ]

        @Test(arguments: pairs)
        func pairCompletesEveryCall(_ pair: Pair) async throws {
            let directory = try TemporaryDirectory(prefix: "pair")
            let serverPort = Ports.scenarioPairs + pair.portOffset
            let server = try await SippProcess.startServer(
                "uas",
                SippOptions(scenario: pair.server, localPort: serverPort, transport: pair.transport, calls: pair.calls, timeLimitSeconds: 40),
                in: directory
            )
            let client = try SippProcess(
                "uac",
                SippOptions(
                    scenario: pair.client, localPort: serverPort + 1, remote: "127.0.0.1:\(serverPort)",
                    transport: pair.transport, calls: pair.calls, rate: 10, timeLimitSeconds: 40
                ),
                in: directory
            )
            let clientResult = await client.wait()
            let serverResult = await finish(server)

            #expect(clientResult.exitCode == 0, "\(clientResult)")
            #expect(clientResult.successfulCalls == pair.calls, "\(clientResult)")
            #expect(clientResult.failedCalls == 0, "\(clientResult)")
            #expect(serverResult.exitCode == 0, "\(serverResult)")
            #expect(serverResult.successfulCalls == pair.calls, "\(serverResult)")
        }

        /// uas_503 is never meant to complete a call for the caller: the caller sees a
        /// failure, and the UAS succeeds only if the 503 was acknowledged.
        @Test
        func serviceUnavailableIsAcknowledged() async throws {
            let directory = try TemporaryDirectory(prefix: "pair503")
            let serverPort = Ports.scenarioPairs + 50
            let server = try await SippProcess.startServer(
                "uas",
                SippOptions(scenario: "uas_503.xml", localPort: serverPort, calls: 2, timeLimitSeconds: 30),
                in: directory
            )
            let client = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: serverPort + 1, remote: "127.0.0.1:\(serverPort)", calls: 2, rate: 10, timeLimitSeconds: 30),
                in: directory
            )
            let clientResult = await client.wait()
            let serverResult = await finish(server)

            #expect(clientResult.exitCode == 1, "\(clientResult)")
            #expect(clientResult.failedCalls == 2, "\(clientResult)")
            #expect(serverResult.exitCode == 0, "\(serverResult)")
            #expect(serverResult.successfulCalls == 2, "\(serverResult)")
        }
    }
}
