import Foundation

@testable import Export

/// `type = "local"`: the archive folder stands for a mounted volume. The outage is the mount going away: the folder
/// is moved aside and a plain file takes its path, so nothing can be created below it (the tests run as root, for
/// whom permission bits would change nothing). The return puts the same folder back.
final class LocalOutageTarget: OutageTarget {
    let targetID = "local"
    private let archive: TestDirectory

    init() throws {
        archive = try TestDirectory("outage-archive")
    }

    private var aside: String { archive.path + ".away" }

    func start() async throws {}

    func stop() async throws {
        try FileManager.default.moveItem(atPath: archive.path, toPath: aside)
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: archive.path))
    }

    func restart() async throws {
        try FileManager.default.removeItem(atPath: archive.path)
        try FileManager.default.moveItem(atPath: aside, toPath: archive.path)
    }

    func makeExporter() throws -> any FileExporter {
        LocalExporter(targetID: targetID, directory: archive.path)
    }

    func storedName(of file: ExportFile) -> String { file.relativeName }

    func storedObjects() async throws -> [String: String] {
        try OutageScenario.filesBelow(archive.path)
    }

    func uploadCounts() async throws -> [String: Int]? { nil }

    func tearDown() async {
        archive.remove()
        try? FileManager.default.removeItem(atPath: aside)
    }
}
