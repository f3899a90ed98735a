import Foundation

/// One sipp process, always wrapped in coreutils `timeout` because sipp's own
/// timeouts can hang after overload.
struct SippOptions {
    enum Transport: String {
        case udp = "u1"
        case tcp = "t1"
    }

    var scenario: String
    var localPort: Int
    /// `host:port` to call; nil for a UAS, which waits for calls.
    var remote: String?
    var transport: Transport = .udp
    /// `-m`: stop after this many calls.
    var calls: Int
    /// `-r`: calls per second (UAC only).
    var rate: Int?
    /// Hard wall-clock bound for the whole sipp run.
    var timeLimitSeconds: Int = 60
    /// `-s`: the service, the user part of the Request-URI a UAC dials (`[service]`); nil keeps sipp's default.
    var service: String? = nil
    /// Writes every message sent and received (`-trace_msg`) and the scenario's `<log>` lines
    /// (`-trace_logs`) beside the stats, as `<name>-messages.log` and `<name>-logs.log`.
    var traceMessages = false

    func arguments(statsFile: String, errorFile: String, messageFile: String? = nil, logFile: String? = nil) -> [String] {
        var args = ["-k", "5", "\(timeLimitSeconds)", TestEnvironment.sippBinary]
        args += ["-sf", TestEnvironment.scenario(scenario)]
        if let remote {
            args.append(remote)
        }
        args += ["-i", "127.0.0.1", "-p", "\(localPort)", "-t", transport.rawValue]
        args += ["-m", "\(calls)"]
        if let rate {
            args += ["-r", "\(rate)"]
        }
        if let service {
            args += ["-s", service]
        }
        if traceMessages, let messageFile, let logFile {
            args += ["-trace_msg", "-message_file", messageFile, "-trace_logs", "-log_file", logFile]
        }
        // A response that never comes fails the call instead of hanging it (TCP has no retransmits).
        args += ["-recv_timeout", "15000"]
        args += ["-nostdin", "-trace_stat", "-stf", statsFile, "-fd", "1", "-trace_err", "-error_file", errorFile]
        return args
    }
}

/// What a finished sipp run reported.
struct SippResult: CustomStringConvertible {
    let name: String
    /// sipp's exit code: 0 all calls succeeded, 1 some failed, 255 fatal; 124 = killed by `timeout`.
    let exitCode: Int32?
    let successfulCalls: Int
    let failedCalls: Int
    let errors: String
    let output: String

    var description: String {
        let code = exitCode.map(String.init) ?? "still running"
        return "\(name): exit \(code), successful \(successfulCalls), failed \(failedCalls)\n"
            + "errors:\n\(errors.suffix(3000))\noutput:\n\(output.suffix(3000))"
    }
}

/// A started sipp instance.
final class SippProcess {
    let name: String
    private let child: ChildProcess
    private let statsURL: URL
    private let errorURL: URL

    init(_ name: String, _ options: SippOptions, in directory: TemporaryDirectory) throws {
        self.name = name
        statsURL = directory.file("\(name)-stats.csv")
        errorURL = directory.file("\(name)-errors.log")
        child = try ChildProcess(
            name: name,
            executable: TestEnvironment.timeoutBinary,
            arguments: options.arguments(
                statsFile: statsURL.path, errorFile: errorURL.path,
                messageFile: directory.file("\(name)-messages.log").path, logFile: directory.file("\(name)-logs.log").path
            ),
            directory: directory.url,
            ownsProcessGroup: true
        )
    }

    var isRunning: Bool { child.isRunning }

    /// Waits for sipp to finish by itself (it stops after `-m` calls).
    func wait(timeout: Duration = .seconds(90)) async -> SippResult {
        let code = await child.waitForExit(timeout: timeout)
        return result(exitCode: code)
    }

    /// Stops a sipp that is still running (a UAS whose calls did not all arrive).
    func stop() async -> SippResult {
        let code = await child.terminate(grace: .seconds(5))
        return result(exitCode: code)
    }

    private func result(exitCode: Int32?) -> SippResult {
        let stats = SippStats.read(statsURL)
        let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return SippResult(
            name: name,
            exitCode: exitCode,
            successfulCalls: stats["SuccessfulCall(C)"] ?? 0,
            failedCalls: stats["FailedCall(C)"] ?? 0,
            errors: errors,
            output: child.stderr + child.stdout.suffix(2000)
        )
    }

    /// Starts a UAS and gives it a moment to bind; fails if it exits at once (port taken, bad scenario).
    static func startServer(_ name: String, _ options: SippOptions, in directory: TemporaryDirectory) async throws -> SippProcess {
        let sipp = try SippProcess(name, options, in: directory)
        try await Task.sleep(for: .milliseconds(300))
        guard sipp.isRunning else {
            throw HarnessError("sipp \(name) exited at start:\n\(sipp.result(exitCode: sipp.child.exitCode))")
        }
        return sipp
    }
}

/// Lets a UAS finish its last call (it stops by itself after `-m` calls), then stops it if it has not.
func finish(_ server: SippProcess, within timeout: Duration = .seconds(10)) async -> SippResult {
    let result = await server.wait(timeout: timeout)
    if result.exitCode != nil {
        return result
    }
    return await server.stop()
}

/// The cumulative counters of sipp's `-trace_stat` CSV (semicolon separated, header first).
enum SippStats {
    static func read(_ url: URL) -> [String: Int] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        return parse(text)
    }

    static func parse(_ text: String) -> [String: Int] {
        let rows = text.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard let header = rows.first, rows.count > 1, let last = rows.last else { return [:] }
        let names = header.split(separator: ";", omittingEmptySubsequences: false)
        let values = last.split(separator: ";", omittingEmptySubsequences: false)
        var counters: [String: Int] = [:]
        for (name, value) in zip(names, values) {
            if let number = Int(value.trimmingCharacters(in: .whitespaces)) {
                counters[String(name)] = number
            }
        }
        return counters
    }
}
