import Logging
import Synchronization

/// Exports one target's queue in order, a few files at a time, backing off after failures. Each target has its own
/// worker, so one target's outage never delays another's.
struct ExportWorker: Sendable {
    let target: ExportTarget
    let queue: ExportQueue
    let policy: ExportPolicy
    let signal: WakeSignal
    let stopping: @Sendable () -> Bool
    let random: @Sendable () -> Double
    let logger: Logger

    private var targetID: String { target.exporter.targetID }

    /// Failures that say the target as a whole cannot be used now: waiting applies to every file, not one.
    private static func isTargetWide(_ error: ExportError) -> Bool {
        error.code == .unreachable || error.code == .authentication || error.code == .configuration
    }

    func run() async {
        var targetSchedule = RetrySchedule(base: policy.retryBase, max: policy.retryMax)
        var targetNotBefore: ContinuousClock.Instant?
        var entryRetries: [QueueKey: (schedule: RetrySchedule, notBefore: ContinuousClock.Instant)] = [:]
        while !stopping() && !Task.isCancelled {
            let now = ContinuousClock.now
            if let notBefore = targetNotBefore, notBefore > now {
                await signal.wait(timeout: notBefore - now)
                continue
            }
            let pending = await queue.pending(target: targetID)
            let pendingKeys = Set(pending.map(\.key))
            entryRetries = entryRetries.filter { pendingKeys.contains($0.key) }
            let eligible = Array(pending.filter { entryRetries[$0.key].map { $0.notBefore <= now } ?? true }.prefix(policy.maxConcurrentUploads))
            guard !eligible.isEmpty else {
                let earliest = entryRetries.values.map(\.notBefore).min()
                await signal.wait(timeout: earliest.map { $0 - now } ?? policy.scanInterval)
                continue
            }
            let results = await exportConcurrently(eligible)
            var anySuccess = false
            var targetWideFailure: ExportError?
            for (entry, result) in results {
                switch result {
                case .success(let receipt):
                    do {
                        try await queue.complete(entry, receipt: receipt)
                        anySuccess = true
                        entryRetries[entry.key] = nil
                        logger.info(
                            "record file exported",
                            metadata: ["target": "\(targetID)", "file": "\(entry.kind)/\(entry.file)", "location": "\(receipt.location)", "verified_by": "\(receipt.verifiedBy)"]
                        )
                    } catch {
                        // The upload stands; without its done record it is uploaded again later (same name, same bytes).
                        logger.error("cannot record export receipt", metadata: ["target": "\(targetID)", "file": "\(entry.file)", "error": "\(error)"])
                    }
                case .failure(let error):
                    var retry = entryRetries[entry.key] ?? (RetrySchedule(base: policy.retryBase, max: policy.retryMax), now)
                    // A failure waiting will not fix waits the longest delay: reported loudly, never spinning.
                    let delay = error.retryable ? retry.schedule.failed(unit: random) : policy.retryMax
                    retry.notBefore = ContinuousClock.now + delay
                    entryRetries[entry.key] = retry
                    if Self.isTargetWide(error) { targetWideFailure = error }
                    let metadata: Logger.Metadata = [
                        "target": "\(targetID)", "file": "\(entry.kind)/\(entry.file)", "error": "\(error)",
                        "retry_in_ms": "\(delay.milliseconds)",
                    ]
                    if error.retryable {
                        logger.warning("record file export failed; will retry", metadata: metadata)
                    } else {
                        logger.error("record file export failed and needs attention; retrying slowly", metadata: metadata)
                    }
                }
            }
            if anySuccess {
                targetSchedule.succeeded()
                targetNotBefore = nil
            } else if let error = targetWideFailure {
                let delay = error.retryable ? targetSchedule.failed(unit: random) : policy.retryMax
                targetNotBefore = ContinuousClock.now + delay
            }
        }
    }

    private func exportConcurrently(_ entries: [QueueEntry]) async -> [(QueueEntry, Result<ExportReceipt, ExportError>)] {
        let exporter = target.exporter
        return await withTaskGroup(of: (Int, Result<ExportReceipt, ExportError>).self) { group in
            for (index, entry) in entries.enumerated() {
                let file = entry.exportFile
                group.addTask {
                    do throws(ExportError) {
                        return (index, .success(try await exporter.export(file)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<ExportReceipt, ExportError>)] = []
            for await result in group {
                results.append(result)
            }
            return results.sorted { $0.0 < $1.0 }.map { (entries[$0.0], $0.1) }
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
