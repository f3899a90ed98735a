public import Logging
public import ServiceLifecycle
public import RecordStore
import Synchronization

/// Streams one chain's durable records to its backend, at least once, in a `ServiceGroup`.
///
/// It wakes when the record sink reports new durable records (`durabilityChanged`), publishes everything
/// between the persisted cursor and the durable `seq`, and moves the cursor only over records acknowledged in
/// order. A failed cycle is retried with exponential backoff (`PublisherOptions`); one log line when the
/// destination becomes unavailable and one when it is back, never one per record. At graceful shutdown it
/// publishes what is durable then for up to `shutdownTimeout`, and returns.
public final class StreamPublisher: Service, Sendable {
    /// The chain this publisher streams.
    public let kind: String
    private let engine: PublisherEngine
    private let handedOver: HandedOverLines
    private let options: PublisherOptions
    private let logger: Logger
    private let durableSequence: @Sendable () -> UInt64
    private let shared: Mutex<Shared>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct Shared {
        var status: PublisherStatus
        var shuttingDown = false
        /// A wake-up is scheduled to write a cursor held back by `cursorInterval`.
        var cursorWakeScheduled = false
    }

    /// A publisher of `kind`'s chain under `dataDirectory` to `backend`; `durableSequence` reads the sink's last
    /// durable `seq` of the chain (used at start and at shutdown, between them `durabilityChanged` reports it).
    public init(
        kind: String,
        dataDirectory: String,
        backend: any StreamBackend,
        options: PublisherOptions = PublisherOptions(),
        logger: Logger = Logger(label: "sipswarm.mqal"),
        durableSequence: @escaping @Sendable () -> UInt64
    ) {
        self.kind = kind
        // Twice the read-ahead: a cycle's lines wait while the window before them is published.
        let handedOver = HandedOverLines(limit: 2 * options.readAhead)
        self.handedOver = handedOver
        self.engine = PublisherEngine(
            kind: kind, dataDirectory: dataDirectory, backend: backend, readAhead: options.readAhead,
            cursorInterval: options.cursorInterval, handedOver: handedOver
        )
        self.options = options
        var logger = logger
        logger[metadataKey: "stream"] = "\(kind)"
        logger[metadataKey: "backend"] = "\(backend.name)"
        self.logger = logger
        self.durableSequence = durableSequence
        self.shared = Mutex(Shared(status: PublisherStatus(kind: kind, backend: backend.name, destination: backend.destination)))
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// What the publisher has done so far.
    public var status: PublisherStatus {
        shared.withLock { $0.status }
    }

    /// Tells the publisher that records up to `seq` are durable; returns at once (called on the writer thread).
    public func durabilityChanged(_ seq: UInt64) {
        let raised = shared.withLock { shared in
            guard seq > shared.status.durable else { return false }
            shared.status.durable = seq
            return true
        }
        if raised { wake.yield() }
    }

    /// Hands over lines of this chain that are durable (on the writer thread, before `durabilityChanged` reports
    /// them); the publisher takes them instead of reading them back from the chain file while it is caught up.
    public func linesDurable(_ lines: DurableLines) {
        handedOver.offer(lines)
    }

    /// How many records were taken from handed-over lines and how many read from the chain files (for tests).
    var linesRead: (memory: Int, files: Int) {
        get async { (await engine.linesFromMemory, await engine.linesFromFiles) }
    }

    public func run() async throws {
        durabilityChanged(durableSequence())
        do {
            try await engine.backend.ensure()
        } catch {
            // Not fatal: the backend is ensured again before each publish, at the retry backoff.
            record(Outcome(acknowledged: 0, cursor: nil, error: error))
        }
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.shared.withLock { $0.shuttingDown = true }
            self.wake.yield()
        }
        await engine.backend.close()
    }

    /// Publishes what is durable now, retrying failures until everything is acknowledged or `timeout` passes;
    /// for one-shot use (the demo, tools) outside a `ServiceGroup`.
    @discardableResult
    public func publishDurable(timeout: Duration) async -> PublisherStatus {
        durabilityChanged(durableSequence())
        await finish(deadline: ContinuousClock.now + timeout)
        return status
    }

    private func loop() async {
        var wakeups = self.wakeups.makeAsyncIterator()
        var failures = 0
        while true {
            let (durable, stopping) = shared.withLock { ($0.status.durable, $0.shuttingDown) }
            if stopping || Task.isCancelled {
                durabilityChanged(durableSequence())
                await finish(deadline: ContinuousClock.now + options.shutdownTimeout)
                return
            }
            let outcome = await engine.drain(upTo: durable)
            record(Outcome(outcome))
            if outcome.cursorBehind {
                scheduleCursorWake()
            }
            if outcome.error == nil {
                failures = 0
                guard await wakeups.next() != nil else { continue }
            } else {
                failures += 1
                await pause(backoff(after: failures))
            }
        }
    }

    // Publishes up to the durable seq, with backoff between failed attempts, until done or `deadline`.
    private func finish(deadline: ContinuousClock.Instant) async {
        var failures = 0
        while true {
            let durable = shared.withLock { $0.status.durable }
            let outcome = await engine.drain(upTo: durable, deadline: deadline, storeCursorNow: true)
            record(Outcome(outcome))
            guard outcome.error != nil, ContinuousClock.now < deadline else { return }
            failures += 1
            let wait = min(backoff(after: failures), deadline - ContinuousClock.now)
            try? await Task.sleep(for: wait)
            // Past the deadline the last real failure stays the reported one.
            guard ContinuousClock.now < deadline else { return }
        }
    }

    // With no new records after a held-back cursor, nothing else would wake the loop to write it.
    private func scheduleCursorWake() {
        let first = shared.withLock { shared in
            defer { shared.cursorWakeScheduled = true }
            return !shared.cursorWakeScheduled
        }
        guard first else { return }
        let interval = options.cursorInterval
        Task {
            try? await Task.sleep(for: interval)
            self.shared.withLock { $0.cursorWakeScheduled = false }
            self.wake.yield()
        }
    }

    private func backoff(after failures: Int) -> Duration {
        let doubled = options.initialBackoff * (1 << min(failures - 1, 20))
        return min(doubled, options.maxBackoff)
    }

    // Sleeps `duration` in short steps so a shutdown request cuts it short.
    private func pause(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            if shared.withLock({ $0.shuttingDown }) || Task.isCancelled { return }
            try? await Task.sleep(for: min(.milliseconds(50), end - ContinuousClock.now))
        }
    }

    private struct Outcome {
        var acknowledged: Int
        var cursor: UInt64?
        var error: StreamError?

        init(acknowledged: Int, cursor: UInt64?, error: StreamError?) {
            self.acknowledged = acknowledged
            self.cursor = cursor
            self.error = error
        }

        init(_ outcome: PublisherEngine.Outcome) {
            self.init(acknowledged: outcome.acknowledged, cursor: outcome.cursor, error: outcome.error)
        }
    }

    // Updates the status; logs only when availability changes, with the lag at that moment.
    private func record(_ outcome: Outcome) {
        let (wentDown, cameBack, status) = shared.withLock { shared in
            shared.status.acknowledged += UInt64(outcome.acknowledged)
            if let cursor = outcome.cursor { shared.status.cursor = cursor }
            let wasAvailable = shared.status.available
            shared.status.lastError = outcome.error.map { "\($0.code): \($0.reason)" }
            shared.status.available = outcome.error == nil
            return (wasAvailable && outcome.error != nil, !wasAvailable && outcome.error == nil, shared.status)
        }
        if wentDown {
            logger.warning(
                "stream destination unavailable; records stay pending and are retried",
                metadata: [
                    "destination": "\(status.destination)", "lag": "\(status.lag)", "error": "\(status.lastError ?? "")",
                ]
            )
        } else if cameBack {
            logger.notice(
                "stream destination available again",
                metadata: ["destination": "\(status.destination)", "lag": "\(status.lag)", "cursor": "\(status.cursor)"]
            )
        }
    }
}
