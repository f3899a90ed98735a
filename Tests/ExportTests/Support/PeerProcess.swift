import Foundation
import NIOCore
import NIOPosix

/// A real server the tests start (moto_server, gcp-storage-emulator) and stop by its pid.
final class PeerProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched by the test that owns this value, never concurrently.
    private let process: Process
    let port: Int

    /// A tool in the test venv of scripts/install-test-deps.sh: `$SIPSWARM_TEST_VENV`, else
    /// `$XDG_CACHE_HOME/sipswarm-test-venv`, else `~/.cache/sipswarm-test-venv`.
    static func venvTool(_ name: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let venv = environment["SIPSWARM_TEST_VENV"], !venv.isEmpty {
            return "\(venv)/bin/\(name)"
        }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return "\(cache)/sipswarm-test-venv/bin/\(name)"
    }

    init(executable: String, arguments: [String], environment: [String: String] = [:], port: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerError("\(executable) is missing: run scripts/install-test-deps.sh")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.port = port
    }

    /// Waits until the port accepts connections.
    func waitUntilListening(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await Self.accepts(port: port) { return }
            guard process.isRunning else { throw PeerError("\(process.executableURL?.lastPathComponent ?? "peer") exited early") }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw PeerError("nothing listens on 127.0.0.1:\(port)")
    }

    static func accepts(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(200))
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    /// SIGKILL: moto_server and the GCS emulator (werkzeug) ignore SIGTERM, and they keep nothing worth a clean exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

struct PeerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
