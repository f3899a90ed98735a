import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs a tool to completion and throws when it exits non-zero.
///
/// posix_spawn + waitpid rather than Foundation's `Process`: several `waitUntilExit()` calls from parallel tests
/// were seen to hang on Linux with the child already a zombie.
func run(_ executable: String, _ arguments: [String]) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard spawned == 0 else { throw CommandFailed(description: "cannot start \(executable): errno \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    // Exited normally (low 7 bits zero) with code 0 (next byte).
    guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
        throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")) failed with wait status \(status)")
    }
}

/// A directory under /tmp removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sftp-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
