public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scratch folders for tests: `<system temp>/sipswarm-tests-<pid>/<label>-<id>`.
///
/// Tests hand these to real sinks, nodes and servers and do not remove them, so a failed test's records and logs can
/// still be read after the run. Without a sweep they piled up run after run (235 folders a CI run). The first use in
/// a test process removes the roots of earlier test processes that are no longer running: the last run's folders
/// stay until the next run starts.
public enum ScratchDirectory {
    private static let rootPrefix = "sipswarm-tests-"

    /// This process's root, created on first use after sweeping the roots of finished test processes.
    private static let root: String = {
        let temporary = NSTemporaryDirectory()
        sweep(in: temporary)
        let path = (temporary as NSString).appendingPathComponent(rootPrefix + String(getpid()))
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// A new, empty folder named after `label`.
    public static func make(_ label: String) -> String {
        let path = (root as NSString).appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `make(label)` as a file URL.
    public static func makeURL(_ label: String) -> URL {
        URL(fileURLWithPath: make(label), isDirectory: true)
    }

    // A root whose process is gone (kill(pid, 0) says ESRCH) is removed; a running one, another test run beside this
    // one, is left alone.
    static func sweep(in temporary: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for entry in entries where entry.hasPrefix(rootPrefix) {
            guard let pid = pid_t(entry.dropFirst(rootPrefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (temporary as NSString).appendingPathComponent(entry))
            }
        }
    }
}
