/// The serial work of one publisher: read durable records ahead of the cursor, publish them, and move the
/// persisted cursor over what is acknowledged in order. An actor because one stream of work owns the tailer,
/// the window and the cursor; the service loop and a one-off drain (the demo) both go through it.
actor PublisherEngine {
    /// The result of one drain.
    struct Outcome: Sendable {
        var acknowledged: Int = 0
        /// The persisted cursor.
        var cursor: UInt64
        var error: StreamError?
        /// Records are acknowledged beyond the persisted cursor (its write waits for `cursorInterval`).
        var cursorBehind = false
    }

    let kind: String
    let backend: any StreamBackend
    private let dataDirectory: String
    private let readAhead: Int
    private let cursorInterval: Duration
    private let cursorFile: CursorFile
    private let handedOver: HandedOverLines
    /// Records taken from the lines handed over in memory and read from the chain files (for tests).
    private(set) var linesFromMemory = 0
    private(set) var linesFromFiles = 0
    // What the cursor file holds, and when it was last written.
    private var storedCursor: UInt64 = 0
    private var lastStore: ContinuousClock.Instant?
    private var tracker: CursorTracker?
    private var tailer: ChainTailer?
    // Records read but not yet under the cursor, ascending and contiguous from `cursor + 1`.
    private var window: [OutboundMessage] = []
    // After a failure only the oldest pending record is tried, so an outage costs one publish per retry, not
    // a window's worth (which would also fill the client's reconnect buffer).
    private var probing = false

    init(
        kind: String, dataDirectory: String, backend: any StreamBackend, readAhead: Int, cursorInterval: Duration,
        handedOver: HandedOverLines
    ) {
        self.kind = kind
        self.handedOver = handedOver
        self.backend = backend
        self.dataDirectory = dataDirectory
        self.readAhead = readAhead
        self.cursorInterval = cursorInterval
        self.cursorFile = CursorFile(dataDirectory: dataDirectory, backend: backend.name, destination: backend.destination, kind: kind)
    }

    /// The persisted cursor, loading it on first use.
    func cursor() throws(StreamError) -> UInt64 {
        try prepared().committed
    }

    /// Publishes durable records up to `durable` until all are acknowledged, a publish fails, or `deadline` passes.
    /// The cursor is written at most every `cursorInterval`, or whenever it moved with `storeCursorNow`.
    func drain(upTo durable: UInt64, deadline: ContinuousClock.Instant? = nil, storeCursorNow: Bool = false) async -> Outcome {
        var tracker: CursorTracker
        do {
            tracker = try prepared()
        } catch {
            return Outcome(cursor: 0, error: error)
        }
        var outcome = Outcome(cursor: storedCursor)
        defer { self.tracker = tracker }
        // Every return goes through here: the cursor stored over what is acknowledged (also after a failure), and
        // whether acks went beyond it.
        func finished() -> Outcome {
            do {
                try storeCursor(tracker.committed, force: storeCursorNow)
            } catch {
                // The acks stay counted in memory; the next cycle stores the cursor again.
                outcome.error = outcome.error ?? error
            }
            outcome.cursor = storedCursor
            outcome.cursorBehind = tracker.committed > storedCursor
            return outcome
        }
        while true {
            if let deadline, ContinuousClock.now >= deadline {
                outcome.error = StreamError(.timeout, reason: "stopped with \(durable - min(durable, tracker.committed)) records unpublished")
                return finished()
            }
            do {
                try refill(upTo: durable)
            } catch {
                outcome.error = error
                return finished()
            }
            let pending = window.filter { !tracker.isAcknowledged($0.seq) }
            guard let oldest = pending.first else { return finished() }
            let batch = probing ? [oldest] : pending
            let results = await backend.publish(batch)
            var firstError: StreamError?
            for (message, result) in zip(batch, results) {
                switch result {
                case .success:
                    tracker.acknowledge(message.seq)
                    outcome.acknowledged += 1
                case .failure(let error):
                    firstError = firstError ?? error
                }
            }
            if let first = window.first, first.seq <= tracker.committed {
                window.removeAll { $0.seq <= tracker.committed }
            }
            if let firstError {
                probing = true
                outcome.error = firstError
                return finished()
            }
            probing = false
        }
    }

    // The next records come from the lines handed over in memory when they are there (the publisher is caught up),
    // else from the chain files; both give the same messages, in `seq` order.
    private func refill(upTo durable: UInt64) throws(StreamError) {
        guard window.count < readAhead, let tailer else { return }
        let handed = handedOver.take(from: tailer.nextSeq, upTo: durable, max: readAhead - window.count, kind: kind)
        if let last = handed.last {
            tailer.skip(past: last.seq)
            window.append(contentsOf: handed)
            linesFromMemory += handed.count
        }
        guard window.count < readAhead else { return }
        let read = try tailer.read(upTo: durable, max: readAhead - window.count)
        window.append(contentsOf: read.map(\.message))
        linesFromFiles += read.count
    }

    private func storeCursor(_ committed: UInt64, force: Bool) throws(StreamError) {
        guard committed > storedCursor else { return }
        let now = ContinuousClock.now
        if !force, let lastStore, now - lastStore < cursorInterval { return }
        try cursorFile.store(committed)
        storedCursor = committed
        lastStore = now
    }

    private func prepared() throws(StreamError) -> CursorTracker {
        if let tracker { return tracker }
        let committed = try cursorFile.load()
        storedCursor = committed
        let tracker = CursorTracker(committed: committed)
        self.tracker = tracker
        tailer = ChainTailer(dataDirectory: dataDirectory, kind: kind, after: committed)
        return tracker
    }
}
