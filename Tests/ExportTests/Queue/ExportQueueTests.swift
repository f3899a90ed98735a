import Foundation
import Logging
import Testing

@testable import Export

@Suite("Export queue")
struct ExportQueueTests {
    let logger = Logger(label: "test.export.queue")

    @Test("a closed file is queued once per target that takes its kind, and the entries survive a restart")
    func queuesPerTargetAndPersists() async throws {
        let data = try TestDirectory("queue")
        defer { data.remove() }
        try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-a.jsonl", bytes: ClosedFileFixture.lines(count: 300, seed: 1))
        try ClosedFileFixture.write(data: data.path, kind: "audit", name: "audit-n1-a.jsonl", bytes: ClosedFileFixture.lines(count: 200, seed: 2))
        // The open file (no manifest) is not offered.
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: "\(data.path)/cdr/cdr-n1-b.jsonl"))
        let subscriptions = [
            ExportSubscription(targetID: "all", kinds: Set(ExportQueue.allKinds)),
            ExportSubscription(targetID: "cdronly", kinds: ["cdr"]),
        ]
        let queue = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        #expect(await queue.scan() == 3)
        #expect(await queue.scan() == 0)
        #expect(await queue.pending(target: "all").map(\.file) == ["audit-n1-a.jsonl", "cdr-n1-a.jsonl"])
        #expect(FileManager.default.fileExists(atPath: "\(data.path)/export/queue/cdronly/cdr/cdr-n1-a.jsonl.json"))

        let reopened = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        #expect(await reopened.pending(target: "all").count == 2)
        #expect(await reopened.pending(target: "cdronly").map(\.file) == ["cdr-n1-a.jsonl"])
    }

    @Test("a done record keeps a file from being queued again, also after a restart")
    func doneRecordsStopReexport() async throws {
        let data = try TestDirectory("queue")
        defer { data.remove() }
        try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-a.jsonl", bytes: ClosedFileFixture.lines(count: 100, seed: 3))
        let subscriptions = [ExportSubscription(targetID: "t", kinds: ["cdr"])]
        let queue = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        await queue.scan()
        let entry = try #require(await queue.pending(target: "t").first)
        try await queue.complete(entry, receipt: ExportReceipt(location: "x", verifiedBy: "y"))
        #expect(await queue.pending(target: "t").isEmpty)
        #expect(await queue.scan() == 0)

        let reopened = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        #expect(await reopened.scan() == 0)
        #expect(await reopened.isDone(target: "t", kind: "cdr", file: "cdr-n1-a.jsonl"))
    }

    @Test("a crash between done record and entry removal does not export the file again")
    func doneWinsOverLeftoverEntry() async throws {
        let data = try TestDirectory("queue")
        defer { data.remove() }
        try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-a.jsonl", bytes: ClosedFileFixture.lines(count: 100, seed: 4))
        let subscriptions = [ExportSubscription(targetID: "t", kinds: ["cdr"])]
        let queue = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        await queue.scan()
        let entryPath = "\(data.path)/export/queue/t/cdr/cdr-n1-a.jsonl.json"
        let saved = try Data(contentsOf: URL(fileURLWithPath: entryPath))
        let entry = try #require(await queue.pending(target: "t").first)
        try await queue.complete(entry, receipt: ExportReceipt(location: "x", verifiedBy: "y"))
        try saved.write(to: URL(fileURLWithPath: entryPath))

        let reopened = try ExportQueue(dataDirectory: data.path, subscriptions: subscriptions, logger: logger)
        #expect(await reopened.pending(target: "t").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: entryPath))
    }

    @Test("a damaged manifest is not queued", arguments: ["size", "sha", "garbage"])
    func damagedManifest(damage: String) async throws {
        let data = try TestDirectory("queue")
        defer { data.remove() }
        let bytes = ClosedFileFixture.lines(count: 100, seed: 5)
        let path = try ClosedFileFixture.write(
            data: data.path, kind: "cdr", name: "cdr-n1-a.jsonl", bytes: bytes, manifestSize: damage == "size" ? 99 : nil
        )
        switch damage {
        case "sha": try Data(bytes.map { $0 == UInt8(ascii: "x") ? UInt8(ascii: "y") : $0 }).write(to: URL(fileURLWithPath: path))
        case "garbage": try Data("not json".utf8).write(to: URL(fileURLWithPath: path + ".manifest.json"))
        default: break
        }
        guard case .damaged(let error) = ManifestCheck.check(path: path, kind: "cdr") else {
            Issue.record("damage \(damage) not detected")
            return
        }
        #expect(error.code == .localFile)
        #expect(!error.retryable)
        let queue = try ExportQueue(dataDirectory: data.path, subscriptions: [ExportSubscription(targetID: "t", kinds: ["cdr"])], logger: logger)
        #expect(await queue.scan() == 0)
        #expect(await queue.fileClosed(path: path, kind: "cdr"))
        #expect(await queue.pending(target: "t").isEmpty)
    }

    @Test("object keys carry the UTC date partition of the file's close time")
    func objectKeys() {
        let file = ExportFile(
            kind: "cdr", path: "/d/cdr/cdr-n1.jsonl", manifestPath: "/d/cdr/cdr-n1.jsonl.manifest.json", relativeName: "cdr/cdr-n1.jsonl",
            size: 1, sha256Hex: "", closedAtSeconds: 1_795_780_800  // 2026-11-27T12:00:00Z
        )
        #expect(file.objectKey(prefix: "/archive/") == "archive/2026/11/27/cdr/cdr-n1.jsonl")
        #expect(file.objectKey(prefix: "") == "2026/11/27/cdr/cdr-n1.jsonl")
        #expect(file.manifestObjectKey(prefix: "p") == "p/2026/11/27/cdr/cdr-n1.jsonl.manifest.json")
        var leapDay = file
        leapDay.closedAtSeconds = 951_868_799  // 2000-02-29T23:59:59Z
        #expect(leapDay.datePartition == "2000/02/29")
    }
}
