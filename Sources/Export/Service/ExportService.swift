public import Logging
public import ServiceLifecycle
import Synchronization

/// Takes closed record files to every configured target (docs/export.md): a durable queue under `DATA/export/`, one
/// worker per target with its own backoff, discovery by a scan at start, every `scanInterval`, and the sink's
/// reports of closed files (`fileClosed`). Graceful shutdown stops taking new files and lets uploads in flight end.
public final class ExportService: Service, Sendable {
    /// The durable queue, for status and tests.
    public let queue: ExportQueue
    private let targets: [ExportTarget]
    private let policy: ExportPolicy
    private let logger: Logger
    private let random: @Sendable () -> Double
    private let signals: [String: WakeSignal]
    private let discoverySignal = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    // Files the sink reported whose manifest may not be written yet, with when they were reported.
    private let reported = Mutex<[(kind: String, path: String, since: ContinuousClock.Instant)]>([])

    /// Opens the queue under `dataDirectory/export`. Throws when that folder cannot be created or read.
    public init(
        dataDirectory: String,
        targets: [ExportTarget],
        policy: ExportPolicy = ExportPolicy(),
        logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws(ExportError) {
        self.queue = try ExportQueue(
            dataDirectory: dataDirectory,
            subscriptions: targets.map { ExportSubscription(targetID: $0.exporter.targetID, kinds: $0.kinds) },
            logger: logger
        )
        self.targets = targets
        self.policy = policy
        self.logger = logger
        self.random = random
        var signals: [String: WakeSignal] = [:]
        for target in targets {
            signals[target.exporter.targetID] = WakeSignal()
        }
        self.signals = signals
    }

    /// Reports a file the record sink closed (from `observeRotations`); returns at once. Its manifest is written
    /// shortly after, so the file is queued once the manifest is there.
    public func fileClosed(kind: String, path: String) {
        reported.withLock { $0.append((kind, path, ContinuousClock.now)) }
        discoverySignal.signal()
    }

    public func run() async throws {
        let added = await queue.scan()
        for backlog in await queue.backlog() {
            logger.info("export target ready", metadata: ["target": "\(backlog.targetID)", "queued": "\(backlog.files)", "new": "\(added)"])
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for target in targets {
                    guard let signal = signals[target.exporter.targetID] else { continue }
                    let worker = ExportWorker(
                        target: target, queue: queue, policy: policy, signal: signal,
                        stopping: { self.stopping.load(ordering: .relaxed) }, random: random, logger: logger
                    )
                    group.addTask { await worker.run() }
                }
                group.addTask { await self.discover() }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.discoverySignal.signal()
            for signal in self.signals.values {
                signal.signal()
            }
        }
    }

    private func discover() async {
        var lastScan = ContinuousClock.now
        while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
            let batch = reported.withLock { list -> [(kind: String, path: String, since: ContinuousClock.Instant)] in
                defer { list.removeAll() }
                return list
            }
            var waiting: [(kind: String, path: String, since: ContinuousClock.Instant)] = []
            var queuedAny = false
            for item in batch {
                if await queue.fileClosed(path: item.path, kind: item.kind) {
                    queuedAny = true
                } else if ContinuousClock.now - item.since < policy.manifestWait {
                    waiting.append(item)
                }
                // Older than `manifestWait`: the periodic scan will find it once its manifest exists.
            }
            if !waiting.isEmpty {
                reported.withLock { $0.insert(contentsOf: waiting, at: 0) }
            }
            if ContinuousClock.now - lastScan >= policy.scanInterval {
                if await queue.scan() > 0 { queuedAny = true }
                lastScan = .now
            }
            if queuedAny { wakeWorkers() }
            let untilScan = policy.scanInterval - (ContinuousClock.now - lastScan)
            // Manifests follow their RotationEvent within milliseconds: poll briskly only while one is awaited.
            await discoverySignal.wait(timeout: waiting.isEmpty ? untilScan : min(untilScan, .milliseconds(50)))
        }
    }

    private func wakeWorkers() {
        for signal in signals.values {
            signal.signal()
        }
    }
}
