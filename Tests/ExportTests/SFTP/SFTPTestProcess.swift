import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Child processes for the SFTP tests, through posix_spawn and waitpid.
///
/// Not Foundation's `Process`: with several tests spawning at once its `waitUntilExit()` was seen to hang on Linux
/// with the child already a zombie.
enum SFTPTestProcess {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable` with stdout and stderr appended to `logPath`, stdin from `input` (or /dev/null).
    static func spawn(_ executable: String, _ arguments: [String], logPath: String, input: String? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if input != nil {
            guard pipe(&pipeEnds) == 0 else { throw Failed(description: "pipe failed: errno \(errno)") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        if let input {
            close(pipeEnds[0])
            _ = Array(input.utf8).withUnsafeBytes { write(pipeEnds[1], $0.baseAddress, $0.count) }
            close(pipeEnds[1])
        }
        guard result == 0 else { throw Failed(description: "cannot start \(executable): errno \(result)") }
        return pid
    }

    /// Waits for `pid`; returns its exit code, or nil when a signal ended it.
    @discardableResult
    static func wait(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
    }

    /// Whether `pid` has exited (reaping it if so).
    static func hasExited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }
}

/// Runs a tool to completion; throws with its output when it exits non-zero.
@discardableResult
func shell(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
    let log = NSTemporaryDirectory() + "sipswarm-sftp-cmd-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: log) }
    let pid = try SFTPTestProcess.spawn(executable, arguments, logPath: log, input: input)
    let code = SFTPTestProcess.wait(pid)
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    guard code == 0 else {
        throw SFTPTestProcess.Failed(description: "\(executable) \(arguments.joined(separator: " ")) exited \(code.map(String.init) ?? "by signal"): \(output)")
    }
    return output
}
