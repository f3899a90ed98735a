import Foundation
@testable import Records
import Testing

@Suite struct RecordIDTests {
    @Test func randomIDsAreVersion4UUIDsInLowercase() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RecordID.random()
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4", "version nibble of \(id)")
            #expect("89ab".contains(characters[19]), "variant of \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func formatsBytesAsHexGroups() {
        let bytes: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
        #expect(RecordID.format(bytes) == "00112233-4455-6677-8899-aabbccddeeff")
    }

    /// The pool hands out each 16 bytes once, across its 4 KiB refills and from many threads at once.
    @Test func theRandomPoolNeverHandsOutTheSameBytesTwice() async {
        let perTask = 2_000  // 32 KB a task: several refills each
        let drawn = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (0..<perTask).map { _ in
                        let (high, low) = SystemRandomPool.next128()
                        return String(high, radix: 16) + "-" + String(low, radix: 16)
                    }
                }
            }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(drawn.count == 4 * perTask)
        #expect(Set(drawn).count == drawn.count)
        // Not stuck at a constant (an unfilled buffer would give zeros).
        #expect(!drawn.contains("0-0"))
    }
}
