import Foundation
import NATS
import Testing

extension Integration {
    /// Issue 6's zero-loss run: CDRs streamed to a real nats-server while it is stopped for seconds in the middle of
    /// a sipp run, then restarted on the same store — the stream ends with exactly one message per CDR on disk.
    @Suite("JetStream streaming without loss")
    struct JetStreamZeroLossTests {
        @Test
        func brokerStoppedDuringASippRunLosesAndDuplicatesNothing() async throws {
            let base = Ports.jetStreamZeroLoss
            let directory = try TemporaryDirectory(prefix: "zeroloss")
            let natsPort = base + 60
            let monitorPort = base + 61
            let store = directory.url.appendingPathComponent("jetstream").path
            var broker = try await NATSServer.start(port: natsPort, monitorPort: monitorPort, store: store, in: directory)

            let streams = """
                [streams.cdr]
                backend = "jetstream"
                stream = "ZEROLOSS_CDR"

                [nats]
                urls = ["nats://127.0.0.1:\(natsPort)"]
                publish_timeout_ms = 1000
                """
            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)], extraTOML: streams),
                in: directory
            )
            let calls = 300
            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: calls, timeLimitSeconds: 90), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: calls, rate: 60, timeLimitSeconds: 90),
                in: directory
            )
            // A second into the run the broker goes away for three seconds, then comes back on the same store.
            try await Task.sleep(for: .seconds(1))
            await broker.stop()
            try await Task.sleep(for: .seconds(3))
            broker = try await NATSServer.start(port: natsPort, monitorPort: monitorPort, store: store, in: directory)

            let customerResult = await customer.wait()
            let providerResult = await finish(provider)
            // The node drains, writes its last records and gives the publisher time to stream what is durable.
            let nodeExit = await node.stop()
            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(providerResult.exitCode == 0, "\(providerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")

            // The outage really fell inside the run: the publisher saw the broker go and come back.
            let log = node.stderr(lines: 5_000)
            #expect(log.contains("stream destination unavailable"), "\(log.suffix(2_000))")
            #expect(log.contains("stream destination available again"), "\(log.suffix(2_000))")

            let cdrs = try node.cdrs()
            #expect(cdrs.count == calls)
            // Exactly one message per CDR: as many messages as CDRs, stream sequence 1…N without gaps (a duplicate
            // would have taken a sequence number or been dropped by Nats-Msg-Id; a loss would leave fewer).
            let state = try await broker.streamState("ZEROLOSS_CDR")
            #expect(state.messages == cdrs.count, "\(state)")
            #expect(state.firstSequence == 1 && state.lastSequence == UInt64(cdrs.count), "\(state)")
            await broker.stop()
        }

        @Test
        func nodeKilledWhileTheBrokerIsDownRestartsAndStreamsEachRecordOnce() async throws {
            let base = Ports.jetStreamKill
            let directory = try TemporaryDirectory(prefix: "zeroloss-kill")
            let natsPort = base + 60
            let monitorPort = base + 61
            let store = directory.url.appendingPathComponent("jetstream").path
            var broker = try await NATSServer.start(port: natsPort, monitorPort: monitorPort, store: store, in: directory)
            let config = NodeConfig(
                sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)],
                extraTOML: """
                    [streams.cdr]
                    backend = "jetstream"
                    stream = "KILLED_CDR"

                    [nats]
                    urls = ["nats://127.0.0.1:\(natsPort)"]
                    publish_timeout_ms = 1000
                    """
            )
            var node = try await NodeProcess.start(config, in: directory)
            func placeCalls(_ count: Int, name: String) async -> (SippResult, SippResult)? {
                guard let provider = try? await SippProcess.startServer(
                    "uas-\(name)", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: count, timeLimitSeconds: 60), in: directory
                ), let customer = try? SippProcess(
                    "uac-\(name)",
                    SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: count, rate: 50, timeLimitSeconds: 60),
                    in: directory
                ) else { return nil }
                let customerResult = await customer.wait()
                return (customerResult, await finish(provider))
            }
            // 100 calls streamed normally, then the broker goes and 100 more pile up; the node dies with them pending.
            let first = try #require(await placeCalls(100, name: "1"))
            #expect(first.0.exitCode == 0 && first.1.exitCode == 0, "\(first)")
            await broker.stop()
            let second = try #require(await placeCalls(100, name: "2"))
            #expect(second.0.exitCode == 0 && second.1.exitCode == 0, "\(second)")
            try await Task.sleep(for: .milliseconds(500))
            _ = await node.kill()

            broker = try await NATSServer.start(port: natsPort, monitorPort: monitorPort, store: store, in: directory)
            node = try await NodeProcess.start(config, in: directory)
            let cdrs = try node.cdrs()
            #expect(cdrs.count == 200)
            // The restarted node resumes from its cursor; wait until the stream has caught up (or time runs out).
            let deadline = ContinuousClock.now + .seconds(30)
            var state = try await broker.streamState("KILLED_CDR")
            while state.messages < cdrs.count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                state = try await broker.streamState("KILLED_CDR")
            }
            let nodeExit = await node.stop()
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")
            state = try await broker.streamState("KILLED_CDR")
            #expect(state.messages == cdrs.count, "\(state)")
            #expect(state.firstSequence == 1 && state.lastSequence == UInt64(cdrs.count), "\(state)")
            await broker.stop()
        }

        @Test
        func oneServerOfAThreeNodeClusterStoppedMidRunLosesNothingOfAnR3Stream() async throws {
            let base = Ports.jetStreamCluster
            let directory = try TemporaryDirectory(prefix: "zeroloss-r3")
            let clients = (0..<3).map { base + 60 + $0 }
            let routes = (0..<3).map { base + 66 + $0 }
            var servers: [NATSServer] = []
            for index in 0..<3 {
                let others = routes.enumerated().filter { $0.offset != index }.map { "nats://127.0.0.1:\($0.element)" }
                servers.append(
                    try await NATSServer.start(
                        port: clients[index], monitorPort: base + 63 + index,
                        store: directory.url.appendingPathComponent("n\(index)").path, in: directory,
                        extraArguments: [
                            "-n", "n\(index)", "--cluster_name", "it", "--cluster", "nats://127.0.0.1:\(routes[index])",
                            "--routes", others.joined(separator: ","),
                        ]
                    )
                )
            }
            // The R3 stream, created the way an operator would (the node creates R1 streams only).
            var stream = StreamConfig(name: "R3_CDR", subjects: ["sipswarm.*.cdr"])
            stream.numReplicas = 3
            stream.duplicateWindow = .seconds(600)
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                do {
                    try await servers[0].createStream(stream)
                    break
                } catch {
                    // The cluster elects its meta leader in about a second.
                    guard ContinuousClock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            let node = try await NodeProcess.start(
                NodeConfig(
                    sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)],
                    extraTOML: """
                        [streams.cdr]
                        backend = "jetstream"
                        stream = "R3_CDR"

                        [nats]
                        urls = [\(clients.map { "\"nats://127.0.0.1:\($0)\"" }.joined(separator: ", "))]
                        publish_timeout_ms = 1000
                        """
                ),
                in: directory
            )
            let calls = 300
            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: calls, timeLimitSeconds: 90), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: calls, rate: 60, timeLimitSeconds: 90),
                in: directory
            )
            // Mid-run, the first server (the one the node most likely talks to) goes away for good.
            try await Task.sleep(for: .seconds(2))
            await servers[0].stop()
            let customerResult = await customer.wait()
            let providerResult = await finish(provider)
            let nodeExit = await node.stop()
            #expect(customerResult.exitCode == 0, "\(customerResult)")
            #expect(providerResult.exitCode == 0, "\(providerResult)")
            #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)")
            let cdrs = try node.cdrs()
            #expect(cdrs.count == calls)
            let state = try await servers[1].streamState("R3_CDR")
            #expect(state.messages == cdrs.count, "\(state)")
            #expect(state.firstSequence == 1 && state.lastSequence == UInt64(cdrs.count), "\(state)")
            await servers[1].stop()
            await servers[2].stop()
        }
    }
}

/// A nats-server with JetStream on loopback, for the streaming tests; stream state read with the node's own client.
struct NATSServer {
    let process: ChildProcess
    let url: String

    struct StreamState: CustomStringConvertible {
        var messages: Int
        var firstSequence: UInt64
        var lastSequence: UInt64
        var description: String { "messages \(messages), seq \(firstSequence)…\(lastSequence)" }
    }

    static var binary: String? {
        ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"].first(where: FileManager.default.isExecutableFile)
    }

    static func start(
        port: Int, monitorPort: Int, store: String, in directory: TemporaryDirectory, extraArguments: [String] = []
    ) async throws -> NATSServer {
        guard let binary else {
            throw HarnessError("nats-server is not installed (scripts/install-test-deps.sh installs the Debian package)")
        }
        let process = try ChildProcess(
            name: "nats-server-\(port)",
            executable: binary,
            arguments: ["-a", "127.0.0.1", "-p", String(port), "-m", String(monitorPort), "-js", "-sd", store] + extraArguments,
            directory: directory.url
        )
        let server = NATSServer(process: process, url: "nats://127.0.0.1:\(port)")
        // Ready when a client gets through the handshake.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let client = try? await server.connect() {
                await client.close()
                return server
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("nats-server on port \(port) did not accept clients")
    }

    func stop() async {
        _ = await process.terminate(grace: .seconds(5))
    }

    /// Creates a stream (for a replicated one the node would not create itself).
    func createStream(_ config: StreamConfig) async throws {
        let client = try await connect()
        do {
            _ = try await JetStream(client: client, timeout: .seconds(10)).createStream(config)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    func streamState(_ name: String) async throws -> StreamState {
        let client = try await connect()
        let info: StreamInfo
        do {
            info = try await JetStream(client: client).streamInfo(name)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return StreamState(
            messages: Int(info.state.messages), firstSequence: info.state.firstSequence, lastSequence: info.state.lastSequence
        )
    }

    private func connect() async throws -> NATSClient {
        var options = NATSClientOptions()
        options.reconnect.maxAttempts = 1
        return try await NATSClient.connect(urls: [url], options: options)
    }
}
