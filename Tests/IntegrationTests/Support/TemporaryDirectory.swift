import Foundation
import TestScratch

/// A fresh directory under the system temp folder, one per test, kept after the run so a failed test's logs and
/// records can be read (until the next test run starts: `ScratchDirectory` sweeps finished runs' folders).
struct TemporaryDirectory {
    let url: URL

    init(prefix: String) throws {
        url = ScratchDirectory.makeURL("it-\(prefix)")
        guard FileManager.default.fileExists(atPath: url.path) else { throw CocoaError(.fileWriteUnknown) }
    }

    var path: String { url.path }

    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }
}
