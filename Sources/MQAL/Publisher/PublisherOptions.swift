/// Tuning of one stream publisher.
public struct PublisherOptions: Sendable, Hashable {
    /// Records read ahead of the cursor and held in memory at most: what bounds memory during an outage.
    public var readAhead: Int
    /// First wait after a failed cycle; doubled per failure up to `maxBackoff`.
    public var initialBackoff: Duration
    /// Longest wait between retries while the destination is down.
    public var maxBackoff: Duration
    /// At shutdown: how long the publisher keeps publishing what is durable before it stops.
    public var shutdownTimeout: Duration
    /// How often at most the cursor file is rewritten while records stream (each write is a temporary file, two
    /// fsyncs and a rename; once per harvest cycle and chain it was a tenth of the record writer's CPU). A crash
    /// re-publishes at most this much, which at-least-once delivery allows and the backends' message-id dedupe
    /// absorbs. At shutdown and in `publishDurable` the cursor is written at once.
    public var cursorInterval: Duration

    /// Options; the defaults suit a node.
    public init(
        readAhead: Int = 1024,
        initialBackoff: Duration = .milliseconds(100),
        maxBackoff: Duration = .seconds(5),
        shutdownTimeout: Duration = .seconds(5),
        cursorInterval: Duration = .seconds(1)
    ) {
        self.readAhead = max(1, readAhead)
        self.initialBackoff = max(.milliseconds(1), initialBackoff)
        self.maxBackoff = max(self.initialBackoff, maxBackoff)
        self.shutdownTimeout = shutdownTimeout
        self.cursorInterval = max(.zero, cursorInterval)
    }
}

/// What a publisher has done, for logs, `status` and tests.
public struct PublisherStatus: Sendable, Hashable {
    /// The chain.
    public var kind: String
    /// `local` or `jetstream`.
    public var backend: String
    /// The stream (or local kind) it publishes to.
    public var destination: String
    /// Last durable `seq` the publisher was told about.
    public var durable: UInt64 = 0
    /// The persisted cursor: every record up to it is acknowledged.
    public var cursor: UInt64 = 0
    /// Records acknowledged since start (duplicates included).
    public var acknowledged: UInt64 = 0
    /// The last failure, nil after a cycle that published everything it tried.
    public var lastError: String?
    /// Whether the destination took the last publish.
    public var available = true

    /// Durable records not yet acknowledged in order.
    public var lag: UInt64 {
        durable > cursor ? durable - cursor : 0
    }
}
