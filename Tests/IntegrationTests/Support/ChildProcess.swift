import Foundation
import Glibc

/// A started program whose stdout and stderr go to files, so a chatty child can never
/// block on a full pipe and a failed test can show what it said.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`: the test runner's threads
/// block most signals and `Process` passes that mask on, so a child would never see SIGTERM.
final class ChildProcess {
    let name: String
    let stdoutURL: URL
    let stderrURL: URL
    let pid: pid_t
    private let ownsProcessGroup: Bool
    private var status: Int32?

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
        pid = try Self.spawn(
            executable: executable,
            arguments: arguments,
            directory: directory.path,
            stdout: stdoutURL.path,
            stderr: stderrURL.path
        )
    }

    deinit {
        // A test that threw halfway must not leave a node or sipp behind.
        forceKill()
        if status == nil {
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
        }
    }

    var isRunning: Bool {
        reap()
        return status == nil
    }

    /// The exit status, or 128 + signal number when a signal ended it (as a shell reports it).
    var exitCode: Int32? {
        reap()
        guard let status else { return nil }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    func signal(_ signal: Int32) {
        if isRunning {
            kill(pid, signal)
        }
    }

    /// Waits until the process exits; returns its exit code, or nil if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while isRunning {
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

    private func forceKill() {
        if isRunning {
            kill(ownsProcessGroup ? -pid : pid, SIGKILL)
        }
    }

    private func reap() {
        guard status == nil else { return }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            status = raw
        }
    }

    private static func read(_ url: URL) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func spawn(executable: String, arguments: [String], directory: String, stdout: String, stderr: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE] {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // Glibc's addchdir_np is not visible from Swift; a shell that changes directory and
        // then execs keeps the same pid and the clean signal mask.
        let shellArguments = ["sh", "-c", #"cd "$0" && exec "$@""#, directory, executable] + arguments
        let argv = shellArguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
