import Foundation
@testable import TestScratch
import Testing

/// The test fixtures' scratch folders: a finished test process's root is swept, a running one's is kept.
@Suite struct ScratchDirectoryTests {
    @Test func sweepsTheRootsOfFinishedProcessesOnly() throws {
        let temporary = ScratchDirectory.make("sweep-probe")
        // pid 1 always runs; this process runs; a pid above the kernel's limit (4,194,304) never does.
        let names = ["sipswarm-tests-1", "sipswarm-tests-\(getpid())", "sipswarm-tests-9999999", "sipswarm-tests-x", "other-9999999"]
        for name in names {
            try FileManager.default.createDirectory(atPath: temporary + "/" + name + "/inner", withIntermediateDirectories: true)
        }
        ScratchDirectory.sweep(in: temporary)
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).sorted()
        #expect(left == ["other-9999999", "sipswarm-tests-1", "sipswarm-tests-\(getpid())", "sipswarm-tests-x"].sorted())
    }

    @Test func foldersLiveUnderThisProcesssRoot() {
        let first = ScratchDirectory.make("probe")
        let second = ScratchDirectory.make("probe")
        #expect(first != second)
        #expect(FileManager.default.fileExists(atPath: first))
        #expect((first as NSString).deletingLastPathComponent.hasSuffix("/sipswarm-tests-\(getpid())"))
    }
}
