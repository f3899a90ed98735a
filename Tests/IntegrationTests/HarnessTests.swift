import Foundation
import Testing

extension Integration {
    /// The harness's own parts, checked without a node so a harness bug is not mistaken for a node bug.
    @Suite("harness")
    struct HarnessTests {
        @Test
        func udpProbesExchangeDatagrams() async throws {
            let receiver = try await UDPProbe.bind(port: Ports.harness)
            let sender = try await UDPProbe.bind()
            try await sender.send("hello", toPort: receiver.port)
            let got = await receiver.waitFor(timeout: .seconds(2)) { $0 == "hello" }
            await sender.close()
            await receiver.close()
            #expect(receiver.port == Ports.harness)
            #expect(got == "hello")
        }

        @Test
        func childProcessReportsExitCodesAndSignals() async throws {
            let directory = try TemporaryDirectory(prefix: "child")
            let exiting = try ChildProcess(name: "exit3", executable: "/bin/sh", arguments: ["-c", "echo oops >&2; exit 3"], directory: directory.url)
            #expect(await exiting.waitForExit(timeout: .seconds(5)) == 3)
            #expect(exiting.stderr == "oops\n")

            let sleeper = try ChildProcess(name: "sleep", executable: "/bin/sleep", arguments: ["30"], directory: directory.url)
            #expect(await sleeper.waitForExit(timeout: .milliseconds(200)) == nil)
            // sleep dies of SIGTERM, which a shell reports as 128 + 15.
            #expect(await sleeper.terminate(grace: .seconds(5)) == 143)
        }

        @Test
        func nodeThatExitsEarlyFailsReadinessWithItsStderr() async throws {
            let directory = try TemporaryDirectory(prefix: "early-exit")
            let config = NodeConfig(sipPort: Ports.harness + 1, providers: [])
            // /bin/sh treats "serve" as a script path, fails to open it and exits at once.
            await #expect {
                _ = try await NodeProcess.start(config, in: directory, binary: "/bin/sh")
            } throws: { error in
                "\(error)".contains("before answering OPTIONS") && "\(error)".contains("serve")
            }
        }

        @Test
        func sippStatsTakeTheLastRow() {
            let csv = """
                StartTime;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);
                2026-01-01\t00:00:00;0;0;0;0;
                2026-01-01\t00:00:01;5;198;1;2;

                """
            let stats = SippStats.parse(csv)
            #expect(stats["SuccessfulCall(C)"] == 198)
            #expect(stats["FailedCall(C)"] == 2)
        }

        @Test
        func recordFilesParseLineByLineAndFilterByKind() throws {
            let directory = try TemporaryDirectory(prefix: "records")
            let cdrDirectory = directory.url.appendingPathComponent("cdr")
            try FileManager.default.createDirectory(at: cdrDirectory, withIntermediateDirectories: true)
            try """
                {"kind":"cdr","final_code":200,"provider_id":"p1"}
                {"kind":"checkpoint","size":1}

                {"kind":"cdr","final_code":487,"released_by":"customer"}

                """.write(to: cdrDirectory.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
            try "not json".write(to: cdrDirectory.appendingPathComponent("a.manifest"), atomically: true, encoding: .utf8)

            let records = try JSONRecord.readAll(in: cdrDirectory, kind: "cdr")
            #expect(records.map { $0.int("final_code") } == [200, 487])
            #expect(records[0].string("provider_id") == "p1")
            #expect(records[1].string("released_by") == "customer")
            #expect(throws: (any Error).self) { try JSONRecord.parse("[1,2]", source: "x") }
        }

        @Test
        func garbageIsReproducibleAndSomeOfItIsAnswerable() {
            var first = GarbageGenerator(seed: 42, nodePort: 5060, replyPort: 40000)
            var second = GarbageGenerator(seed: 42, nodePort: 5060, replyPort: 40000)
            let a = (0..<64).map { _ in first.datagram() }
            let b = (0..<64).map { _ in second.datagram() }
            #expect(a == b)
            #expect(a.contains { $0.isEmpty })
            #expect(a.contains { $0.count > 8_000 })

            let answerable = String(decoding: first.answerableGarbage(), as: UTF8.self)
            #expect(answerable.hasPrefix("INVITE sip:"))
            #expect(answerable.contains("Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK"))
        }

        @Test
        func configNamesEveryListenerAndProvider() {
            let config = NodeConfig(sipPort: 25060, providers: [
                .init(id: "p1", port: 25080, priority: 1),
                .init(id: "p2", port: 25081, transport: "tcp", priority: 2),
            ])
            let toml = config.toml(dataDirectory: "/tmp/x")
            #expect(toml.contains(#"listen = ["udp:127.0.0.1:25060", "tcp:127.0.0.1:25060"]"#))
            #expect(toml.contains(#"data_dir = "/tmp/x""#))
            #expect(toml.contains(#"address = "127.0.0.1:25081""#))
            #expect(toml.contains(#"transport = "tcp""#))
            #expect(toml.components(separatedBy: "[[providers]]").count == 3)
        }
    }
}
