import Foundation
import NATS

/// A real `nats-server -js` on 127.0.0.1 for one test: own port (27000–27299), own store directory, which
/// survives `kill()`/`start()` (a broker restart), removed by `stop()`.
final class NATSServer {
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
    let storeDirectory: String
    private var process: Process?
    private let logFile: String

    init(port: Int) {
        precondition((27000...27299).contains(port), "MQAL test ports are 27000-27299")
        self.port = port
        self.storeDirectory = MQALFixtures.temporaryDirectory()
        self.logFile = storeDirectory + "/server.log"
    }

    var url: String { "nats://127.0.0.1:\(port)" }

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

    /// Starts the server (again after `kill`, same port and store) and waits until a client can connect.
    func start() async throws {
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["-a", "127.0.0.1", "-p", "\(port)", "-n", "m\(port)", "-js", "-sd", storeDirectory + "/store"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        // Generous: a loaded machine (the whole suite in parallel on two cores) can be slow to run the first connect.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if let client = try? await NATSClient.connect(urls: [url]) {
                await client.close()
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let output = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        kill()
        throw NotReady(port: port, output: output)
    }

    /// SIGKILL, as a crash would.
    func kill() {
        guard let process else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the server and removes its store.
    func stop() {
        kill()
        try? FileManager.default.removeItem(atPath: storeDirectory)
    }

    deinit {
        stop()
    }
}
