import Foundation
import Testing

@testable import Export

/// The outage run of docs/export.md, the same for every target type: files close and leave while the target is up;
/// the target stops mid-run while files keep closing; the node restarts during the outage; the target returns over
/// the same store. At the end every closed file is in the store exactly once, byte for byte, and nothing else is.
enum OutageScenario {
    /// Every wait is a deadline, not a sleep: CI runs these on two loaded cores.
    static let deadline: Duration = .seconds(60)

    static func run(_ target: some OutageTarget, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let data = try TestDirectory("outage-\(target.targetID)")
        defer { data.remove() }
        try await target.start()

        // Target up: files close and are exported as they close.
        let first = try NodeLife(dataDirectory: data.path, target: target)
        await first.produce(0..<9)
        #expect(await eventually(timeout: deadline) { first.exporter.confirmed.count >= 2 }, "files arrive while the target is up", sourceLocation: sourceLocation)

        // The outage, whatever is in flight; files keep closing.
        try await target.stop()
        await first.produce(9..<18)
        #expect(
            await eventually(timeout: deadline) { first.exporter.failures.values.contains { $0.contains(.unreachable) } },
            "the first life sees the target down", sourceLocation: sourceLocation
        )

        // Node restart during the outage: only the durable queue and the done records carry over.
        await first.stop()
        #expect(queuedOnDisk(data.path, target: target.targetID) > 0, "the backlog is on disk across the restart", sourceLocation: sourceLocation)
        let second = try NodeLife(dataDirectory: data.path, target: target)
        await second.produce(18..<24)
        #expect(
            await eventually(timeout: deadline) { second.exporter.failures.values.contains { $0.contains(.unreachable) } },
            "the second life sees the target down", sourceLocation: sourceLocation
        )

        // The target returns over the same store, reached only once it is whole; files keep closing and leave live.
        second.exporter.hold()
        #expect(await eventually(timeout: deadline) { second.exporter.inFlight == 0 }, "attempts against the dead target end", sourceLocation: sourceLocation)
        do {
            try await target.restart()
        } catch {
            second.exporter.release()
            throw error
        }
        second.exporter.release()
        await second.produce(24..<30)
        let drained = await eventually(timeout: deadline) {
            guard second.rotatedFiles.allSatisfy({ FileManager.default.fileExists(atPath: $0 + ManifestCheck.manifestSuffix) }) else { return false }
            let pending = await second.service.queue.backlog().reduce(0) { $0 + $1.files }
            for file in closedFiles(data.path) {
                guard await second.service.queue.isDone(target: target.targetID, kind: file.kind, file: file.fileName) else { return false }
            }
            return pending == 0
        }
        #expect(drained, "every closed file is exported and the queue is empty", sourceLocation: sourceLocation)
        await second.stopService()
        // Taken before the sink closes its current files, which no service is left to export.
        let closed = closedFiles(data.path)
        await second.closeSink()

        try await expectExactlyOnce(closed, in: target, lives: [first.exporter, second.exporter], sourceLocation: sourceLocation)
        #expect(queuedOnDisk(data.path, target: target.targetID) == 0, "no queue entry is left on disk", sourceLocation: sourceLocation)
    }

    /// The store holds every closed file and its manifest under their names, with the local bytes' SHA-256, and
    /// nothing else; the target confirmed each file once over both lives; the server took a second upload of a file
    /// only after an attempt for it had failed.
    static func expectExactlyOnce(
        _ closed: [ExportFile], in target: some OutageTarget, lives: [CountingExporter], sourceLocation: SourceLocation
    ) async throws {
        // Three sessions per file over four phases, plus the audit and checkpoint files of two starts and a stop.
        #expect(closed.count >= 10, "the run closed \(closed.count) files", sourceLocation: sourceLocation)
        var expected: [String: String] = [:]
        for file in closed {
            let name = target.storedName(of: file)
            expected[name] = file.sha256Hex
            expected[name + ManifestCheck.manifestSuffix] = try sha256Hex(ofFile: file.manifestPath)
        }
        let stored = try await target.storedObjects()
        let missing = Set(expected.keys).subtracting(stored.keys).sorted()
        let extra = Set(stored.keys).subtracting(expected.keys).sorted()
        #expect(missing.isEmpty, "missing in the store: \(missing)", sourceLocation: sourceLocation)
        #expect(extra.isEmpty, "extra in the store: \(extra)", sourceLocation: sourceLocation)
        for (name, sha) in expected.sorted(by: { $0.key < $1.key }) where stored[name] != nil {
            #expect(stored[name] == sha, "\(name) differs from the local file", sourceLocation: sourceLocation)
        }

        let failures = lives.reduce(into: [String: Int]()) { total, life in
            for (file, codes) in life.failures { total[file, default: 0] += codes.count }
        }
        for file in closed {
            let confirmations = lives.reduce(0) { $0 + ($1.confirmed[file.relativeName] ?? 0) }
            #expect(confirmations == 1, "\(file.relativeName) confirmed \(confirmations) times over both lives", sourceLocation: sourceLocation)
        }
        guard let uploads = try await target.uploadCounts() else { return }
        for file in closed {
            let failed = failures[file.relativeName] ?? 0
            for name in [target.storedName(of: file), target.storedName(of: file) + ManifestCheck.manifestSuffix] {
                let count = uploads[name] ?? 0
                if failed == 0 {
                    #expect(count == 1, "\(name) uploaded \(count) times without a failed attempt", sourceLocation: sourceLocation)
                } else {
                    #expect((1...(failed + 1)).contains(count), "\(name) uploaded \(count) times after \(failed) failed attempts", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Every closed record file (one with a valid manifest) in the data directory.
    static func closedFiles(_ dataDirectory: String) -> [ExportFile] {
        var files: [ExportFile] = []
        for kind in ExportQueue.allKinds {
            let directory = "\(dataDirectory)/\(kind)"
            for name in DurableFiles.names(in: directory).sorted() where name.hasSuffix(".jsonl") {
                if case .ready(let checked) = ManifestCheck.check(path: "\(directory)/\(name)", kind: kind) {
                    files.append(checked.file)
                }
            }
        }
        return files
    }

    /// Queue entries on disk for `target`: `DATA/export/queue/<target>/<kind>/<file>.json`.
    static func queuedOnDisk(_ dataDirectory: String, target: String) -> Int {
        let root = "\(dataDirectory)/export/queue/\(target)"
        return DurableFiles.names(in: root).reduce(0) { count, kind in
            count + DurableFiles.names(in: "\(root)/\(kind)").filter { $0.hasSuffix(".json") }.count
        }
    }

    static func sha256Hex(ofFile path: String) throws -> String {
        ClosedFileFixture.sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Every regular file below `root` (hidden ones included), by path relative to it, with its SHA-256.
    static func filesBelow(_ root: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for relative in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(root)/\(relative)", isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found[relative] = try sha256Hex(ofFile: "\(root)/\(relative)")
        }
        return found
    }
}
