import Foundation

/// A fresh directory under the system temp folder, one per test, kept after the run
/// so a failed test's logs and records can be read.
struct TemporaryDirectory {
    let url: URL

    init(prefix: String) throws {
        let name = "sipswarm-it-\(prefix)-\(UUID().uuidString.prefix(8))"
        url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }
}
