import Foundation
import Ledger
@testable import Node
import Records
import Testing

@Suite struct ReceiptRecordIndexTests {
    @Test func findsTheCDRsOfTheReceiptsAskedForWithTheWholeTree() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let index = try ReceiptRecordIndex.build(
            dataDirectory: fixture.upstream, receipts: [ReconcileFixture.guid(3), ReconcileFixture.guid(9), "R-unknown"]
        )
        #expect(Set(index.entries.keys) == [ReconcileFixture.guid(3), ReconcileFixture.guid(9)])
        // na wrote an unrelated call before each receipt call: call 3's CDR is seq 6, call 9's seq 18.
        let third = try #require(index.entries[ReconcileFixture.guid(3)])
        #expect(third.seq == 6)
        #expect(index.entries[ReconcileFixture.guid(9)]?.seq == 18)
        #expect(third.fields["id"] == .string("na-cdr-3"))
        #expect(third.line.hasPrefix("{") && !third.line.hasSuffix("\n"))
        #expect(RecordHashing.hash(of: third.fields.filter { $0.key != "hash" }) == third.hash)
        // The tree is over every record read, and its root is the one na's last checkpoint signed.
        #expect(index.tree.size == 18)
        let report = try LedgerVerifier(dataDirectory: fixture.upstream).verify()
        #expect(report.lastCheckpoint?.chains["cdr"] == index.tree.head)
        // A limit stops the read there.
        let limited = try ReceiptRecordIndex.build(dataDirectory: fixture.upstream, receipts: [ReconcileFixture.guid(3), ReconcileFixture.guid(9)], limit: 10)
        #expect(limited.tree.size == 10)
        #expect(Set(limited.entries.keys) == [ReconcileFixture.guid(3)])
    }

    @Test func aDirectoryWithoutCDRsFindsNothing() throws {
        let fixture = try ReconcileFixture()
        defer { fixture.remove() }
        let empty = fixture.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let index = try ReceiptRecordIndex.build(dataDirectory: empty, receipts: ["R-1"])
        #expect(index.entries.isEmpty)
        #expect(index.tree.size == 0)
    }

    @Test func theGUIDPrefilterNeverMissesAReceipt() {
        func may(_ line: String, _ receipts: Set<String>) -> Bool {
            Array(line.utf8).withUnsafeBufferPointer { ReceiptGUIDScan.mayName($0, oneOf: receipts) }
        }
        #expect(may(#"{"receipt":{"guid":"R-1","state":"confirmed"}}"#, ["R-1"]))
        #expect(!may(#"{"receipt":{"guid":"R-1","state":"confirmed"}}"#, ["R-2"]))
        #expect(!may(#"{"id":"R-1"}"#, ["R-1"]))
        // A decoy "guid" member first (say inside quality media keys) does not hide the receipt's.
        #expect(may(#"{"quality":{"guid":"x"},"receipt":{"guid":"R-1"}}"#, ["R-1"]))
        // An escaped value may be anything: the full parse decides.
        #expect(may(#"{"receipt":{"guid":"R-\"1"}}"#, ["R-\"1"]))
        #expect(may(#"{"receipt":{"guid":"R-\\"}}"#, ["other"]))
        // A value cut off by the end of the line is passed on too.
        #expect(may(#"{"receipt":{"guid":"R-1"#, ["zzz"]))
        #expect(!may("", ["R-1"]))
    }
}
