import Foundation
import Logging
import Testing

@testable import Export

@Suite("Export service")
struct ExportServiceTests {
    let logger = Logger(label: "test.export.service")
    let fast = ExportPolicy(retryBase: .milliseconds(20), retryMax: .milliseconds(100), maxConcurrentUploads: 2, scanInterval: .seconds(30))

    @Test("a service dropped mid-queue loses nothing; its successor exports the rest and nothing twice")
    func resumeAfterDrop() async throws {
        let data = try TestDirectory("service")
        defer { data.remove() }
        for index in 0..<8 {
            try ClosedFileFixture.write(
                data: data.path, kind: "cdr", name: "cdr-n1-\(index).jsonl", bytes: ClosedFileFixture.lines(count: 200, seed: index),
                firstSeq: index * 10 + 1
            )
        }
        // First life: slow uploads, dropped (task cancelled, as a kill would) after some files are done.
        let first = RecordingExporter(targetID: "t", delay: .milliseconds(60))
        let service = try ExportService(dataDirectory: data.path, targets: [ExportTarget(exporter: first, kinds: ["cdr"])], policy: fast, logger: logger)
        let running = Task { try await service.run() }
        #expect(await eventually { first.exports.count >= 2 })
        running.cancel()
        _ = try? await running.value
        let doneBefore = Set(first.exports.keys)
        #expect(doneBefore.count < 8)

        // Second life over the same data directory.
        let second = RecordingExporter(targetID: "t")
        let next = try ExportService(dataDirectory: data.path, targets: [ExportTarget(exporter: second, kinds: ["cdr"])], policy: fast, logger: logger)
        let resumed = Task { try await next.run() }
        #expect(await eventually { await next.queue.backlog().first?.files == 0 })
        resumed.cancel()
        _ = try? await resumed.value
        for index in 0..<8 {
            let name = "cdr/cdr-n1-\(index).jsonl"
            // Exactly once over both lives for every file that has a done record; an upload cut by the drop (no
            // receipt yet) is repeated, which the exporters' idempotent names make harmless.
            #expect((first.exports[name] ?? 0) + (second.exports[name] ?? 0) >= 1)
            if doneBefore.contains(name) { #expect(second.exports[name] == nil) }
            #expect(await next.queue.isDone(target: "t", kind: "cdr", file: "cdr-n1-\(index).jsonl"))
        }
        #expect(second.exports.values.allSatisfy { $0 == 1 })
    }

    @Test("one target's outage does not hold back another; the failed one catches up when it returns")
    func targetsAreIndependent() async throws {
        let data = try TestDirectory("service")
        defer { data.remove() }
        for index in 0..<3 {
            try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-\(index).jsonl", bytes: ClosedFileFixture.lines(count: 100, seed: index))
        }
        let healthy = RecordingExporter(targetID: "up")
        let down = RecordingExporter(targetID: "down", failing: ExportError(.unreachable, reason: "connection refused", retryable: true))
        let service = try ExportService(
            dataDirectory: data.path,
            targets: [ExportTarget(exporter: down, kinds: ["cdr"]), ExportTarget(exporter: healthy, kinds: ["cdr"])],
            policy: fast, logger: logger
        )
        let running = Task { try await service.run() }
        #expect(await eventually { healthy.exports.count == 3 })
        #expect(down.exports.isEmpty)
        down.setFailing(nil)
        #expect(await eventually { down.exports.count == 3 })
        // A file closed while running arrives through the live hook, without waiting for the periodic scan.
        let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-9.jsonl", bytes: ClosedFileFixture.lines(count: 50, seed: 9))
        service.fileClosed(kind: "cdr", path: path)
        #expect(await eventually { healthy.exports.count == 4 && down.exports.count == 4 })
        running.cancel()
        _ = try? await running.value
        #expect(healthy.exports.values.allSatisfy { $0 == 1 })
    }

    @Test("the live hook waits for a manifest written after the rotation event")
    func manifestArrivesLate() async throws {
        let data = try TestDirectory("service")
        defer { data.remove() }
        let exporter = RecordingExporter(targetID: "t")
        let service = try ExportService(dataDirectory: data.path, targets: [ExportTarget(exporter: exporter, kinds: ["audit"])], policy: fast, logger: logger)
        let running = Task { try await service.run() }
        let path = try ClosedFileFixture.write(data: data.path, kind: "audit", name: "audit-n1-1.jsonl", bytes: ClosedFileFixture.lines(count: 80, seed: 1))
        let manifest = try Data(contentsOf: URL(fileURLWithPath: path + ".manifest.json"))
        try FileManager.default.removeItem(atPath: path + ".manifest.json")
        service.fileClosed(kind: "audit", path: path)
        try await Task.sleep(for: .milliseconds(150))
        #expect(exporter.exports.isEmpty)
        try manifest.write(to: URL(fileURLWithPath: path + ".manifest.json"))
        #expect(await eventually { exporter.exports["audit/audit-n1-1.jsonl"] == 1 })
        running.cancel()
        _ = try? await running.value
    }
}
