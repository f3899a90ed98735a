import Foundation
import Logging
import RecordStore
import Synchronization

@testable import Export

/// One life of a node between start and stop: a real record sink rotating every three records (so a few sessions
/// close several files, each with its manifest) and an export service over the same data directory, told of each
/// rotation the way `sipswarm serve` wires them.
final class NodeLife: Sendable {
    let sink: JSONLinesRecordSink
    let service: ExportService
    let exporter: CountingExporter
    private let running: Task<Void, any Error>
    private let rotated: RotationLog

    static let policy = ExportPolicy(
        retryBase: .milliseconds(100), retryMax: .seconds(1), maxConcurrentUploads: 2, scanInterval: .seconds(30)
    )

    /// Starts the sink (recovering the chains a previous life left) and the service (loading the durable queue and
    /// scanning for files closed since).
    init(dataDirectory: String, target: some OutageTarget) throws {
        // No timed checkpoints: the files a scenario closes depend on its sessions only.
        sink = try JSONLinesRecordSink(
            dataDirectory: dataDirectory, nodeID: "n1", checkpointInterval: .seconds(3_600), rotation: RotationPolicy(maxRecords: 3)
        )
        exporter = CountingExporter(try target.makeExporter())
        let service = try ExportService(
            dataDirectory: dataDirectory, targets: [ExportTarget(exporter: exporter, kinds: Set(ExportQueue.allKinds))],
            policy: Self.policy, logger: Logger(label: "test.export.outage")
        )
        self.service = service
        let rotated = RotationLog()
        self.rotated = rotated
        sink.observeRotations { event in
            rotated.files.withLock { $0.append(event.closedFile) }
            service.fileClosed(kind: event.kind, path: event.closedFile)
        }
        running = Task { try await service.run() }
    }

    /// Files this life's sink closed by rotation so far.
    var rotatedFiles: [String] { rotated.files.withLock { $0 } }

    /// Emits one CDR per index, each flushed to disk. `flush()` blocks: it runs on a thread of its own, not on one of
    /// the two threads of the cooperative pool the export service (and every other async test) runs on.
    func produce(_ sessions: Range<Int>) async {
        let sink = sink
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                for index in sessions {
                    sink.emit(LocalExporterTests.session(index))
                    sink.flush()
                }
                continuation.resume()
            }.start()
        }
    }

    /// The node stops: the service as a kill would stop it (its task cancelled mid-work; the durable queue is all
    /// that survives), then the sink, which closes each chain's current file with its manifest.
    func stop() async {
        await stopService()
        await closeSink()
    }

    func stopService() async {
        running.cancel()
        _ = try? await running.value
    }

    func closeSink() async {
        let sink = sink
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                sink.close()
                continuation.resume()
            }.start()
        }
    }
}

/// The files a sink's rotations closed, in order (shared with the sink's observer).
final class RotationLog: Sendable {
    let files = Mutex<[String]>([])
}
