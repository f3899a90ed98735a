import Synchronization

@testable import Export

/// A node life's exporter, wrapped: counts per file (`<kind>/<name>`) the exports the target confirmed and the
/// attempts that failed, so the scenario can tell an upload repeated after a failure from one repeated for nothing.
/// `hold()` makes new exports wait until `release()`: the scenario brings the target back behind it, so the node
/// meets the store whole (moto refills its store after it starts listening, which a real service never shows).
final class CountingExporter: FileExporter, Sendable {
    private struct State {
        var confirmed: [String: Int] = [:]
        var failures: [String: [ExportError.Code]] = [:]
        var held = false
        var inFlight = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let inner: any FileExporter
    private let state = Mutex(State())

    init(_ inner: any FileExporter) {
        self.inner = inner
    }

    var targetID: String { inner.targetID }

    /// Confirmed exports per file.
    var confirmed: [String: Int] { state.withLock { $0.confirmed } }
    /// Failed attempts per file, with their codes.
    var failures: [String: [ExportError.Code]] { state.withLock { $0.failures } }
    /// Exports that passed the gate and have not returned yet.
    var inFlight: Int { state.withLock { $0.inFlight } }

    func hold() {
        state.withLock { $0.held = true }
    }

    func release() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.held = false
            state.inFlight += state.waiting.count
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pass = state.withLock { state -> Bool in
                guard !state.held else {
                    state.waiting.append(continuation)
                    return false
                }
                state.inFlight += 1
                return true
            }
            if pass { continuation.resume() }
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        do {
            let receipt = try await inner.export(file)
            state.withLock { $0.confirmed[file.relativeName, default: 0] += 1 }
            return receipt
        } catch {
            state.withLock { $0.failures[file.relativeName, default: []].append(error.code) }
            throw error
        }
    }
}
