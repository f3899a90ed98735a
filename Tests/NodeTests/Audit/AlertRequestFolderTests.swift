import Foundation
import Records
import Testing
@testable import Node

@Suite struct AlertRequestFolderTests {
    @Test func aRequestReadsBackAsTheAlertItCarriesAndGarbageIsReported() throws {
        let data = AuditFixtures.temporaryDirectory()
        let folder = AlertRequestFolder(dataDirectory: data)
        let alert = AuditAlert(
            code: "reconcile_mismatch", peer: "nb", reason: "receipt R1: rate: ours 0.0125, theirs 0.013",
            details: ["receipt": .string("R1"), "differences": .array([.string("rate: ours 0.0125, theirs 0.013")])]
        )
        let file = try folder.request(alert, timeMicros: 42)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder.path + "/99-garbage.json"))
        // A peer that is a path would put evidence outside the witness folder.
        try folder.request(AuditAlert(code: "reconcile_mismatch", peer: "../../etc", reason: "x"), timeMicros: 98)
        let pending = folder.pending()
        // Oldest first: the good request (42), the path peer (98), the garbage (99).
        #expect(pending.count == 3)
        #expect(pending.first?.file == file)
        #expect(pending.last?.file == folder.path + "/99-garbage.json")
        #expect(throws: AuditStoreError.self) { try pending[2].request.get() }
        let (read, document) = try pending[0].request.get()
        #expect(read == alert)
        #expect(document["time_us"] == .integer(42))
        #expect(throws: AuditStoreError.self) { try pending[1].request.get() }
    }
}
