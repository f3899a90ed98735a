import Foundation
import Glibc

/// A running `sipswarm serve` with its own config file and data directory.
final class NodeProcess {
    let config: NodeConfig
    let directory: TemporaryDirectory
    let dataDirectory: URL
    let configURL: URL
    private let child: ChildProcess

    private init(config: NodeConfig, directory: TemporaryDirectory, dataDirectory: URL, configURL: URL, child: ChildProcess) {
        self.config = config
        self.directory = directory
        self.dataDirectory = dataDirectory
        self.configURL = configURL
        self.child = child
    }

    /// Writes the config, starts the node and waits until it answers OPTIONS with 200.
    static func start(
        _ config: NodeConfig,
        in directory: TemporaryDirectory,
        binary: String = TestEnvironment.sipswarmBinary,
        processName: String = "sipswarm"
    ) async throws -> NodeProcess {
        let dataDirectory = directory.url.appendingPathComponent("data", isDirectory: true)
        let configURL = directory.file("node.toml")
        try config.toml(dataDirectory: dataDirectory.path).write(to: configURL, atomically: true, encoding: .utf8)
        let child = try launch(
            configPath: configURL.path, dataDirectory: dataDirectory.path, in: directory, binary: binary, processName: processName
        )
        let node = NodeProcess(config: config, directory: directory, dataDirectory: dataDirectory, configURL: configURL, child: child)
        try await node.waitUntilReady()
        return node
    }

    /// Starts the binary with any config and data dir, without waiting for readiness:
    /// for tests of how the node refuses to start.
    static func launch(
        configPath: String,
        dataDirectory: String,
        in directory: TemporaryDirectory,
        binary: String = TestEnvironment.sipswarmBinary,
        processName: String = "sipswarm"
    ) throws -> ChildProcess {
        try ChildProcess(
            name: processName,
            executable: binary,
            arguments: ["serve", "--config", configPath, "--data-dir", dataDirectory],
            directory: directory.url
        )
    }

    var isRunning: Bool { child.isRunning }
    var stderrTail: String { child.stderrTail() }
    /// The last `lines` lines of the node's stderr (its log).
    func stderr(lines: Int) -> String { child.stderrTail(lines) }

    /// Sends OPTIONS from a fresh socket until a 200 comes back; fails early if the node exits.
    func waitUntilReady(timeout: Duration = .seconds(15)) async throws {
        let probe = try await UDPProbe.bind()
        let answered = await pollOptions(probe: probe, until: ContinuousClock.now.advanced(by: timeout))
        await probe.close()
        if answered {
            return
        }
        if !child.isRunning {
            let code = child.exitCode.map(String.init) ?? "?"
            throw HarnessError("sipswarm exited with \(code) before answering OPTIONS:\n\(child.stderrTail())")
        }
        throw HarnessError("sipswarm did not answer OPTIONS on 127.0.0.1:\(config.sipPort) within \(timeout):\n\(child.stderrTail())")
    }

    /// True when a fresh OPTIONS gets a 200 within `timeout`.
    func answersOptions(timeout: Duration = .seconds(3)) async throws -> Bool {
        let probe = try await UDPProbe.bind()
        let answered = await pollOptions(probe: probe, until: ContinuousClock.now.advanced(by: timeout))
        await probe.close()
        return answered
    }

    private func pollOptions(probe: UDPProbe, until deadline: ContinuousClock.Instant) async -> Bool {
        var attempt = 0
        while ContinuousClock.now < deadline, child.isRunning {
            attempt += 1
            let request = SIPText.options(toPort: config.sipPort, replyPort: probe.port, branch: "probe\(attempt)")
            // A send can fail while the node is not bound yet (ICMP unreachable); just try again.
            try? await probe.send(request, toPort: config.sipPort)
            if await probe.waitFor(timeout: .milliseconds(200), { $0.hasPrefix("SIP/2.0 200") }) != nil {
                return true
            }
        }
        return false
    }

    /// SIGTERM, then waits for the graceful exit; returns the exit code (nil if it had to be killed).
    @discardableResult
    func stop() async -> Int32? {
        await child.terminate(grace: .seconds(15))
    }

    /// SIGKILL, as a crash would; returns once the process is gone (its exit code, 137).
    @discardableResult
    func kill() async -> Int32? {
        child.signal(SIGKILL)
        return await child.waitForExit(timeout: .seconds(5))
    }

    func cdrs() throws -> [JSONRecord] {
        try JSONRecord.readAll(in: dataDirectory.appendingPathComponent("cdr", isDirectory: true), kind: "cdr")
    }

    func attempts() throws -> [JSONRecord] {
        try JSONRecord.readAll(in: dataDirectory.appendingPathComponent("attempt", isDirectory: true), kind: "attempt")
    }
}
