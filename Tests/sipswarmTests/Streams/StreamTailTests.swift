import Foundation
import MQAL
import Testing
import TestScratch

@Suite struct StreamTailTests {
    @Test func printsTheLastEntriesOfALocalStream() async throws {
        let directory = ScratchDirectory.make("tail")
        let backend = LocalBackend(dataDirectory: directory, kind: "audit")
        let messages = (1...12).map { OutboundMessage(node: "n1", kind: "audit", seq: UInt64($0), body: Array("{\"seq\":\($0)}".utf8)) }
        _ = await backend.publish(messages)
        let start = try LocalStreamReader.sequence(beforeLast: 3, dataDirectory: directory, kind: "audit")
        var reader = LocalStreamReader(dataDirectory: directory, kind: "audit", after: start)
        let entries = try await reader.next(max: 100, wait: .zero)
        #expect(entries.map(\.messageID) == ["n1.audit.10", "n1.audit.11", "n1.audit.12"])
    }
}
