import Foundation

/// Where the integration tests find the package, the scenarios and the programs they start.
/// Every path can be overridden by an environment variable.
enum TestEnvironment {
    /// The package root, found from this file's location: `Tests/IntegrationTests/Support/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The sipp scenario files. They live outside every target folder, where SwiftPM would
    /// warn about unhandled files.
    static let scenarioDirectory: URL = packageRoot
        .appendingPathComponent("Tests/Scenarios", isDirectory: true)

    /// The `sipswarm` binary: `SIPSWARM_BIN`, else the debug build in `.build`.
    static var sipswarmBinary: String {
        if let path = variable("SIPSWARM_BIN") {
            return path
        }
        return packageRoot.appendingPathComponent(".build/debug/sipswarm").path
    }

    /// The sipp binary: `SIPP_BIN`, else `sipp` on the PATH.
    static var sippBinary: String {
        variable("SIPP_BIN") ?? executable(named: "sipp") ?? "/usr/bin/sipp"
    }

    /// coreutils `timeout`, which bounds every sipp run: `TIMEOUT_BIN`, else from the PATH.
    static var timeoutBinary: String {
        variable("TIMEOUT_BIN") ?? executable(named: "timeout") ?? "/usr/bin/timeout"
    }

    static func scenario(_ name: String) -> String {
        scenarioDirectory.appendingPathComponent(name).path
    }

    static func variable(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            return nil
        }
        return value
    }

    static func executable(named name: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
