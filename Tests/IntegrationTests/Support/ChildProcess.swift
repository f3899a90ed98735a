import Foundation
import Glibc

/// A started program whose stdout and stderr go to files, so a chatty child can never
/// block on a full pipe and a failed test can show what it said.
final class ChildProcess {
    let name: String
    let stdoutURL: URL
    let stderrURL: URL
    private let process: Process
    private let ownsProcessGroup: Bool

    /// Starts `executable` with `arguments` in `directory`. `ownsProcessGroup` says the
    /// program leads its own process group (coreutils `timeout` does), so a cleanup kill
    /// reaches its children too.
    init(name: String, executable: String, arguments: [String], directory: URL, ownsProcessGroup: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError("\(name): no executable at \(executable)")
        }
        self.name = name
        self.ownsProcessGroup = ownsProcessGroup
        stdoutURL = directory.appendingPathComponent("\(name).stdout")
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        for url in [stdoutURL, stderrURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw HarnessError("\(name): cannot create \(url.path)")
        }

        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        // A test that threw halfway must not leave a node or sipp behind.
        forceKill()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The exit status, or 128 + signal number when a signal ended it (as a shell reports it).
    var exitCode: Int32? {
        guard !process.isRunning else { return nil }
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        case .uncaughtSignal: return 128 + process.terminationStatus
        @unknown default: return process.terminationStatus
        }
    }

    func signal(_ signal: Int32) {
        if process.isRunning {
            kill(process.processIdentifier, signal)
        }
    }

    private func forceKill() {
        if process.isRunning {
            let pid = process.processIdentifier
            kill(ownsProcessGroup ? -pid : pid, SIGKILL)
        }
    }

    /// Waits until the process exits; returns its exit code, or nil if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitCode
    }

    /// Asks for a graceful stop with SIGTERM; kills it if it has not exited within `grace`.
    @discardableResult
    func terminate(grace: Duration = .seconds(10)) async -> Int32? {
        signal(SIGTERM)
        if let code = await waitForExit(timeout: grace) {
            return code
        }
        forceKill()
        _ = await waitForExit(timeout: .seconds(5))
        return nil
    }

    var stdout: String { Self.read(stdoutURL) }
    var stderr: String { Self.read(stderrURL) }

    /// The last `count` lines of stderr, for failure messages.
    func stderrTail(_ count: Int = 30) -> String {
        stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }

    private static func read(_ url: URL) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
