import Foundation
import Testing

extension Integration {
    /// A node that cannot start must say why in one line and exit non-zero, quickly.
    @Suite("startup failures")
    struct StartupFailureTests {
        @Test
        func malformedConfigFile() async throws {
            let directory = try TemporaryDirectory(prefix: "bad-config")
            let config = directory.file("broken.toml")
            try "[node\nid = \"it1\nlisten = [\n".write(to: config, atomically: true, encoding: .utf8)

            let line = try await failedStartLine(config: config.path, dataDirectory: directory.file("data").path, in: directory)
            #expect(line.contains("broken.toml"), "last stderr line should name the config file: \(line)")
        }

        @Test
        func invalidListenAddress() async throws {
            let directory = try TemporaryDirectory(prefix: "bad-listen")
            let config = directory.file("node.toml")
            let text = NodeConfig(sipPort: Ports.startup, providers: [.init(id: "p1", port: Ports.startup + 20, priority: 1)])
                .toml(dataDirectory: directory.file("data").path)
                .replacingOccurrences(of: "udp:127.0.0.1:\(Ports.startup)", with: "udp:127.0.0.1:notaport")
            try text.write(to: config, atomically: true, encoding: .utf8)

            let line = try await failedStartLine(config: config.path, dataDirectory: directory.file("data").path, in: directory)
            #expect(line.contains("listen") || line.contains("notaport"), "last stderr line should name the bad listen entry: \(line)")
        }

        @Test
        func portAlreadyInUse() async throws {
            let port = Ports.startup + 1
            let directory = try TemporaryDirectory(prefix: "port-in-use")
            let config = directory.file("node.toml")
            try NodeConfig(sipPort: port, providers: [.init(id: "p1", port: port + 20, priority: 1)])
                .toml(dataDirectory: directory.file("data").path)
                .write(to: config, atomically: true, encoding: .utf8)

            let squatter = try await UDPProbe.bind(port: port)
            let line = try await failedStartLine(config: config.path, dataDirectory: directory.file("data").path, in: directory)
            await squatter.close()
            #expect(line.contains("\(port)"), "last stderr line should name the port: \(line)")
        }

        @Test
        func dataDirectoryCannotBeCreated() async throws {
            let directory = try TemporaryDirectory(prefix: "bad-data-dir")
            let blocker = directory.file("not-a-dir")
            try "a regular file".write(to: blocker, atomically: true, encoding: .utf8)
            let dataDirectory = blocker.appendingPathComponent("data").path
            let config = directory.file("node.toml")
            try NodeConfig(sipPort: Ports.startup + 2, providers: [.init(id: "p1", port: Ports.startup + 22, priority: 1)])
                .toml(dataDirectory: dataDirectory)
                .write(to: config, atomically: true, encoding: .utf8)

            let line = try await failedStartLine(config: config.path, dataDirectory: dataDirectory, in: directory)
            #expect(line.contains("not-a-dir"), "last stderr line should name the data directory: \(line)")
        }

        /// Starts the node expecting it to refuse; returns the last non-empty stderr line
        /// after checking it exited non-zero within a few seconds.
        private func failedStartLine(config: String, dataDirectory: String, in directory: TemporaryDirectory) async throws -> String {
            let node = try NodeProcess.launch(configPath: config, dataDirectory: dataDirectory, in: directory)
            let exitCode = await node.waitForExit(timeout: .seconds(10))
            if exitCode == nil {
                await node.terminate(grace: .seconds(5))
            }
            let code = try #require(exitCode, "node still running 10 s after a bad start:\n\(node.stderrTail())")
            #expect(code != 0, "node exited 0 despite bad input:\n\(node.stderrTail())")
            let lastLine = node.stderr
                .split(whereSeparator: \.isNewline)
                .last { !$0.allSatisfy(\.isWhitespace) }
                .map(String.init)
            return try #require(lastLine, "node printed nothing on stderr")
        }
    }
}
