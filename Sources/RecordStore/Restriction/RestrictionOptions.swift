/// How a record sink runs CDR Restriction and its harvest cycle, and whom it tells.
public struct RestrictionOptions: Sendable {
    /// Consecutive failed write cycles (open, write or fsync) that enter restriction.
    public var failures: Int
    /// Consecutive successful probe writes that leave it.
    public var probeSuccesses: Int
    /// The writer writes and fsyncs everything pending once per interval (sooner for a flush or under back-pressure).
    public var harvestInterval: Duration
    /// Called on the writer thread when restriction begins (`true`) or ends (`false`); must not block.
    public var onRestrictionChange: @Sendable (Bool) -> Void
    /// Log lines about restriction; `critical` for its start and end. Called on the writer thread.
    public var onLog: @Sendable (_ critical: Bool, _ message: String) -> Void

    /// The defaults: 3 failures, 3 probes, 100 ms, nobody told.
    public init(
        failures: Int = 3,
        probeSuccesses: Int = 3,
        harvestInterval: Duration = .milliseconds(100),
        onRestrictionChange: @escaping @Sendable (Bool) -> Void = { _ in },
        onLog: @escaping @Sendable (_ critical: Bool, _ message: String) -> Void = { _, _ in }
    ) {
        self.failures = failures
        self.probeSuccesses = probeSuccesses
        self.harvestInterval = harvestInterval
        self.onRestrictionChange = onRestrictionChange
        self.onLog = onLog
    }
}
