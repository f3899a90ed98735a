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
}
