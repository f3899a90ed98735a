import ArgumentParser
import Foundation
import RecordStore
import Testing
@testable import sipswarm

/// `sipswarm admin unrestrict --data-dir DIR`, driven through its parsed command: it leaves the request file the
/// running node's writer takes within one harvest cycle (the writer's side:
/// RestrictionSinkTests.adminUnrestrictFileReleasesAtOnceAndIsRemoved).
@Suite struct AdminUnrestrictCommandTests {
    @Test func createsTheRequestInTheDataDirectorysAdminFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unrestrict-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AdminCommand.Unrestrict.parse(["--data-dir", directory]).run()
        let request = RestrictionRelease.adminDirectory(dataDirectory: directory) + "/" + RestrictionRelease.fileName
        #expect(request == directory + "/admin/unrestrict")
        #expect(FileManager.default.fileExists(atPath: request))
        // Asking twice is harmless: the writer takes one request.
        try AdminCommand.Unrestrict.parse(["--data-dir", directory]).run()
        #expect(FileManager.default.fileExists(atPath: request))
    }

    @Test func aMissingDataDirectoryIsRefusedWithoutCreatingIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unrestrict-missing-\(UUID().uuidString)").path
        let command = try AdminCommand.Unrestrict.parse(["--data-dir", directory])
        #expect(throws: ExitCode.self) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
