import Foundation
import Logging
import Records
import RecordStore
import Synchronization
import Testing

@testable import Export

@Suite("Local exporter")
struct LocalExporterTests {
    let logger = Logger(label: "test.export.local")

    static func session(_ index: Int) -> SessionRecords {
        let cdr = CallDetailRecord(
            recordID: "cdr-\(index)", nodeID: "n1", service: .voice, sessionID: "s-\(index)",
            setupMicros: 1_000_000, firstProvisionalMicros: nil, firstRingingMicros: nil,
            answerMicros: 2_000_000, ackMicros: 2_001_000, endMicros: 5_000_000,
            finalCode: 200, finalReason: "OK", q850Cause: nil, q850Text: nil,
            releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p1", attempts: 0,
            aLeg: CallLeg(callID: "a-\(index)", fromURI: "sip:caller@example.net"), bLeg: nil
        )
        return SessionRecords(cdr: cdr, attempts: [])
    }

    @Test("every file a real sink closes lands in the archive byte for byte, with its manifest")
    func realSinkToArchive() async throws {
        let data = try TestDirectory("local-data")
        let archive = try TestDirectory("local-archive")
        defer {
            data.remove()
            archive.remove()
        }
        let sink = try JSONLinesRecordSink(dataDirectory: data.path, nodeID: "n1", rotation: RotationPolicy(maxRecords: 3))
        let exporter = LocalExporter(targetID: "archive", directory: archive.path)
        let service = try ExportService(
            dataDirectory: data.path, targets: [ExportTarget(exporter: exporter, kinds: Set(ExportQueue.allKinds))],
            policy: ExportPolicy(retryBase: .milliseconds(20), retryMax: .milliseconds(100), scanInterval: .seconds(30)), logger: logger
        )
        let closed = Mutex<[String]>([])
        sink.observeRotations { event in
            closed.withLock { $0.append(event.closedFile) }
            service.fileClosed(kind: event.kind, path: event.closedFile)
        }
        let running = Task { try await service.run() }
        // `flush()` blocks: on a thread of its own, not one of the two threads of the cooperative pool that the
        // export service (and every other async test) runs on.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                for index in 0..<20 {
                    sink.emit(Self.session(index))
                    sink.flush()
                }
                continuation.resume()
            }.start()
        }
        let rotated = closed.withLock { $0 }
        #expect(rotated.count >= 6, "20 CDRs in files of 3 give at least 6 rotations, got \(rotated.count)")
        // Every rotated file arrives through the live hook (no scan runs within 30 s).
        #expect(
            await eventually {
                rotated.allSatisfy { path in
                    FileManager.default.contentsEqual(atPath: path, andPath: "\(archive.path)/\(Self.kindAndName(path))")
                }
            })
        running.cancel()
        _ = try? await running.value
        sink.close()

        // The files closed at shutdown are found by the start-up scan of the next service.
        let next = try ExportService(
            dataDirectory: data.path, targets: [ExportTarget(exporter: exporter, kinds: Set(ExportQueue.allKinds))], logger: logger
        )
        // Scanned here so the backlog below is not read before the service's own start-up scan.
        #expect(await next.queue.scan() >= 3)
        let resumed = Task { try await next.run() }
        #expect(await eventually { await next.queue.backlog().first?.files == 0 })
        resumed.cancel()
        _ = try? await resumed.value
        var checked = 0
        for kind in ExportQueue.allKinds {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "\(data.path)/\(kind)")) ?? [] where name.hasSuffix(".manifest.json") {
                let file = String(name.dropLast(".manifest.json".count))
                for suffix in ["", ".manifest.json"] {
                    #expect(
                        FileManager.default.contentsEqual(atPath: "\(data.path)/\(kind)/\(file)\(suffix)", andPath: "\(archive.path)/\(kind)/\(file)\(suffix)"),
                        "\(kind)/\(file)\(suffix) differs in the archive"
                    )
                }
                checked += 1
            }
        }
        #expect(checked >= rotated.count + 3)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: archive.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    static func kindAndName(_ path: String) -> String {
        path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    @Test("a file changed after its manifest is refused, not archived")
    func changedFileRefused() async throws {
        let data = try TestDirectory("local-data")
        let archive = try TestDirectory("local-archive")
        defer {
            data.remove()
            archive.remove()
        }
        let bytes = ClosedFileFixture.lines(count: 500, seed: 1)
        let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-a.jsonl", bytes: bytes)
        guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else {
            Issue.record("fixture not ready")
            return
        }
        try Data(bytes.reversed()).write(to: URL(fileURLWithPath: path))
        let exporter = LocalExporter(targetID: "a", directory: archive.path)
        await #expect(throws: ExportError.self) { try await exporter.export(checked.file) }
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/cdr/cdr-n1-a.jsonl"))
    }
}
