/// The serial work of one publisher: read durable records ahead of the cursor, publish them, and move the
/// persisted cursor over what is acknowledged in order. An actor because one stream of work owns the tailer,
/// the window and the cursor; the service loop and a one-off drain (the demo) both go through it.
actor PublisherEngine {
    /// The result of one drain.
    struct Outcome: Sendable {
        var acknowledged: Int = 0
        var cursor: UInt64
        var error: StreamError?
    }

    let kind: String
    let backend: any StreamBackend
    private let dataDirectory: String
    private let readAhead: Int
    private let cursorFile: CursorFile
    private var tracker: CursorTracker?
    private var tailer: ChainTailer?
    // Records read but not yet under the cursor, ascending and contiguous from `cursor + 1`.
    private var window: [OutboundMessage] = []
    // After a failure only the oldest pending record is tried, so an outage costs one publish per retry, not
    // a window's worth (which would also fill the client's reconnect buffer).
    private var probing = false

    init(kind: String, dataDirectory: String, backend: any StreamBackend, readAhead: Int) {
        self.kind = kind
        self.backend = backend
        self.dataDirectory = dataDirectory
        self.readAhead = readAhead
        self.cursorFile = CursorFile(dataDirectory: dataDirectory, backend: backend.name, destination: backend.destination, kind: kind)
    }

    /// The persisted cursor, loading it on first use.
    func cursor() throws(StreamError) -> UInt64 {
        try prepared().committed
    }

    /// Publishes durable records up to `durable` until all are acknowledged, a publish fails, or `deadline` passes.
    func drain(upTo durable: UInt64, deadline: ContinuousClock.Instant? = nil) async -> Outcome {
        var tracker: CursorTracker
        do {
            tracker = try prepared()
        } catch {
            return Outcome(cursor: 0, error: error)
        }
        var outcome = Outcome(cursor: tracker.committed)
        defer { self.tracker = tracker }
        while true {
            if let deadline, ContinuousClock.now >= deadline {
                outcome.error = StreamError(.timeout, reason: "stopped with \(durable - min(durable, tracker.committed)) records unpublished")
                return outcome
            }
            do {
                try refill(upTo: durable)
            } catch {
                outcome.error = error
                return outcome
            }
            let pending = window.filter { !tracker.isAcknowledged($0.seq) }
            guard let oldest = pending.first else { return outcome }
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
            if tracker.committed > outcome.cursor {
                window.removeAll { $0.seq <= tracker.committed }
                do {
                    try cursorFile.store(tracker.committed)
                    outcome.cursor = tracker.committed
                } catch {
                    // The acks stay counted in memory; the next cycle stores the cursor again.
                    outcome.error = error
                    return outcome
                }
            }
            if let firstError {
                probing = true
                outcome.error = firstError
                return outcome
            }
            probing = false
        }
    }

    private func refill(upTo durable: UInt64) throws(StreamError) {
        guard window.count < readAhead, let tailer else { return }
        window.append(contentsOf: try tailer.read(upTo: durable, max: readAhead - window.count).map(\.message))
    }

    private func prepared() throws(StreamError) -> CursorTracker {
        if let tracker { return tracker }
        let committed = try cursorFile.load()
        let tracker = CursorTracker(committed: committed)
        self.tracker = tracker
        tailer = ChainTailer(dataDirectory: dataDirectory, kind: kind, after: committed)
        return tracker
    }
}
