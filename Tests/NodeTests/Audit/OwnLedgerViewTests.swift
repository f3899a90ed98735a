import Foundation
import Ledger
import Testing
@testable import Node

@Suite struct OwnLedgerViewTests {
    // The trees built from the chain files must give exactly the roots the writer signed, across runs.
    @Test func treesFromChainFilesMatchTheSignedCheckpoint() throws {
        let data = AuditFixtures.temporaryDirectory()
        try AuditFixtures.writeRun(dataDirectory: data, nodeID: "n1", records: 20)
        var view = OwnLedgerView(dataDirectory: data)
        try view.refresh()
        let first = try CheckpointStatement(line: try #require(view.latestCheckpointLine))
        for (kind, head) in first.heads {
            #expect(try view.trees[kind]?.root(size: head.size) == head.root, "kind \(kind)")
        }
        // A second run appends to the same chains; the same view follows on from where it stopped.
        try AuditFixtures.writeRun(dataDirectory: data, nodeID: "n1", records: 5)
        try view.refresh()
        let second = try CheckpointStatement(line: try #require(view.latestCheckpointLine))
        #expect(second.seq > first.seq)
        #expect((second.heads["audit"]?.size ?? 0) > (first.heads["audit"]?.size ?? 0))
        for (kind, head) in second.heads {
            #expect(view.trees[kind]?.size ?? 0 >= head.size)
            #expect(try view.trees[kind]?.root(size: head.size) == head.root, "kind \(kind)")
        }
    }
}
