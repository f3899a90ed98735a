@testable import Export
import Synchronization

/// A target in memory: counts every export per file and fails while `failing` is set.
final class RecordingExporter: FileExporter, Sendable {
    let targetID: String
    private let state = Mutex<(exports: [String: Int], failing: ExportError?, delay: Duration)>(([:], nil, .zero))

    init(targetID: String, failing: ExportError? = nil, delay: Duration = .zero) {
        self.targetID = targetID
        state.withLock {
            $0.failing = failing
            $0.delay = delay
        }
    }

    func setFailing(_ error: ExportError?) {
        state.withLock { $0.failing = error }
    }

    /// Successful exports per `<kind>/<file>`.
    var exports: [String: Int] { state.withLock { $0.exports } }

    func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let (failing, delay) = state.withLock { ($0.failing, $0.delay) }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if let failing { throw failing }
        state.withLock { $0.exports[file.relativeName, default: 0] += 1 }
        return ExportReceipt(location: "memory://\(targetID)/\(file.relativeName)", verifiedBy: "none")
    }
}
