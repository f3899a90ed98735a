#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Records
import Synchronization

/// A manifest waiting to be written beside its closed file.
struct PendingManifest: Sendable {
    var directory: String
    var name: String
    var bytes: [UInt8]
}

/// The work a rotation leaves behind, done off the writer thread so the swap stays a handful of syscalls:
/// closing the old file, writing its manifest atomically (temp, fsync, rename, fsync of the directory) and
/// pre-creating the `next` file of each chain. One serial queue keeps manifests in rotation order.
///
/// Failures are collected for the writer, which reports them (they count as failed local writes); an unwritten
/// manifest is retried with the next job and at `finish()`, never dropped while the node runs.
final class FileCloser: Sendable {
    private struct State {
        var errors: [RecordSinkError] = []
        var pendingManifests: [PendingManifest] = []
        /// Pre-created `next` files by chain directory.
        var prepared: [String: LedgerFileHandle] = [:]
        var retryQueued = false
        var finished = false
    }

    private let queue = DispatchQueue(label: "sipswarm.record-file-closer", qos: .utility)
    private let state = Mutex(State())

    /// Closes `file` (already synced) and writes `manifest` beside it.
    func close(_ file: any RecordFile, manifest: PendingManifest?) {
        queue.async { [self] in
            file.close()
            writeManifests(adding: manifest)
        }
    }

    /// Pre-creates the next file for the chain `kind` in `directory`, for `takeNext(in:)` to hand out.
    func prepareNext(in directory: String, kind: String) {
        queue.async { [self] in
            let created: LedgerFileHandle
            do throws(RecordSinkError) {
                created = try LedgerFileHandle.createNext(in: directory, kind: kind, stamp: Self.stamp())
            } catch {
                state.withLock { $0.errors.append(error) }
                return
            }
            let surplus = state.withLock { state -> LedgerFileHandle? in
                if state.finished || state.prepared[directory] != nil {
                    return created
                }
                state.prepared[directory] = created
                return nil
            }
            if let surplus {
                surplus.close()
                _ = unlink(surplus.path)
            }
        }
    }

    /// Pre-creates the next file now, on the caller's thread (at start-up, where a failure is simply retried at the
    /// first rotation).
    func prepareNextNow(in directory: String, kind: String) throws(RecordSinkError) {
        let created = try LedgerFileHandle.createNext(in: directory, kind: kind, stamp: Self.stamp())
        state.withLock { $0.prepared[directory] = created }
    }

    /// The pre-created next file of `directory`, when the closer has made one.
    func takeNext(in directory: String) -> LedgerFileHandle? {
        state.withLock { $0.prepared.removeValue(forKey: directory) }
    }

    /// The failures since the last call.
    func takeErrors() -> [RecordSinkError] {
        state.withLock { state in
            defer { state.errors.removeAll() }
            return state.errors
        }
    }

    /// Queues one more attempt at the manifests that could not be written, unless one is queued already.
    func retryPendingManifests() {
        let queueRetry = state.withLock { state -> Bool in
            guard !state.pendingManifests.isEmpty, !state.retryQueued else { return false }
            state.retryQueued = true
            return true
        }
        guard queueRetry else { return }
        queue.async { [self] in
            state.withLock { $0.retryQueued = false }
            writeManifests(adding: nil)
        }
    }

    /// Waits for every queued job, tries the unwritten manifests once more, and removes the unused next files.
    /// Returns the failures not yet taken.
    func finish() -> [RecordSinkError] {
        queue.sync {}
        writeManifests(adding: nil)
        let unused = state.withLock { state in
            state.finished = true
            defer { state.prepared.removeAll() }
            return Array(state.prepared.values)
        }
        for file in unused {
            file.close()
            _ = unlink(file.path)
        }
        return takeErrors()
    }

    private func writeManifests(adding manifest: PendingManifest?) {
        var todo = state.withLock { state in
            defer { state.pendingManifests.removeAll() }
            return state.pendingManifests
        }
        if let manifest {
            todo.append(manifest)
        }
        var failed: [PendingManifest] = []
        var errors: [RecordSinkError] = []
        for pending in todo {
            do throws(RecordSinkError) {
                try LedgerFileHandle.writeAtomically(pending.bytes, directory: pending.directory, name: pending.name)
            } catch {
                errors.append(error)
                failed.append(pending)
            }
        }
        guard !failed.isEmpty || !errors.isEmpty else { return }
        state.withLock { state in
            // Earlier manifests first, so a retry keeps rotation order.
            state.pendingManifests.insert(contentsOf: failed, at: 0)
            state.errors.append(contentsOf: errors)
        }
    }

    static func stamp() -> String {
        UTCTimestamp.compact(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }
}
