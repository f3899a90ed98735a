import Foundation
import NIOCore
import NIOPosix

/// A real `nats-server` on 127.0.0.1 for one test: own port (26700–26999), own store directory.
///
/// A missing binary is a test failure with a clear message, never a silent skip.
final class NATSServerProcess {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "nats-server not found on PATH, in $NATS_SERVER_BIN or at /usr/sbin/nats-server; run scripts/install-test-deps.sh"
        }
    }

    struct NotReady: Error, CustomStringConvertible {
        let port: Int
        let output: String
        var description: String { "nats-server on port \(port) did not accept connections; output: \(output)" }
    }

    let port: Int
    let arguments: [String]
    let storeDirectory: URL
    private var process: Process?
    private let logFile: URL

    init(port: Int, jetStream: Bool = true, extraArguments: [String] = []) {
        precondition((26700...26999).contains(port), "NATS test ports are 26700-26999")
        self.port = port
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sipswarm-nats-\(port)-\(UUID().uuidString)")
        self.storeDirectory = directory
        self.logFile = directory.appendingPathComponent("server.log")
        var arguments = ["-a", "127.0.0.1", "-p", "\(port)", "-n", "t\(port)"]
        if jetStream { arguments += ["-js", "-sd", directory.appendingPathComponent("store").path] }
        self.arguments = arguments + extraArguments
    }

    var url: String { "nats://127.0.0.1:\(self.port)" }

    static func binary() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["NATS_SERVER_BIN"] { candidates.append(explicit) }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/nats-server")
        }
        candidates.append("/usr/sbin/nats-server")
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing()
        }
        return found
    }

    /// Starts the server (again, after `kill`, on the same port and store) and waits until it accepts.
    func start() async throws {
        try FileManager.default.createDirectory(at: self.storeDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: self.logFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = self.arguments
        let log = try FileHandle(forWritingTo: self.logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if await Self.accepts(port: self.port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let output = (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? ""
        self.kill()
        throw NotReady(port: self.port, output: output)
    }

    /// SIGKILL, as a crash would; waits until the process is gone.
    func kill() {
        guard let process = self.process else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the server and removes its store.
    func stop() {
        self.kill()
        try? FileManager.default.removeItem(at: self.storeDirectory)
    }

    deinit {
        self.stop()
    }

    private static func accepts(port: Int) async -> Bool {
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
}
