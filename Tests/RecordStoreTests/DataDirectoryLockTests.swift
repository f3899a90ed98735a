#if canImport(Glibc)
import Foundation
import Glibc
import RecordStore
import Testing

/// The data directory's lock against a descriptor copy that outlives the sink, as a child being forked by another
/// thread holds one until its exec. `dup` shares the open file description exactly as that copy does.
@Suite struct DataDirectoryLockTests {
    @Test func aClosedSinksLockIsFreeEvenWhileACopyOfItsDescriptorIsOpen() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        let copy = try #require(Self.duplicateDescriptor(of: directory + "/.lock"))
        defer { _ = close(copy) }
        first.close()

        // Reopened at once, as a restart in the same process does.
        let second = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        // The lock is really held again, by the second sink and not by the copy.
        let error = #expect(throws: RecordSinkError.self) {
            _ = try JSONLinesRecordSink(dataDirectory: directory, nodeID: "n1")
        }
        #expect(error?.code == .dataDirectoryLocked)
        second.close()
    }

    /// A `dup` of this process's open descriptor for `path`, found through /proc/self/fd.
    private static func duplicateDescriptor(of path: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        for entry in entries {
            guard let descriptor = Int32(entry),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
                target == path
            else { continue }
            let copy = dup(descriptor)
            return copy >= 0 ? copy : nil
        }
        return nil
    }
}
#endif
