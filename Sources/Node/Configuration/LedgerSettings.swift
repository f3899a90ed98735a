/// Ledger settings (`[ledger]`): how often the node signs a checkpoint of its chains.
public struct LedgerSettings: Sendable, Hashable {
    /// Time between periodic checkpoints (`[ledger] checkpoint_interval_s`); one is written only if records were written since the last.
    public var checkpointInterval: Duration

    /// Default `[ledger] checkpoint_interval_s`.
    public static let defaultCheckpointInterval = Duration.seconds(60)

    /// Creates settings; every argument defaults to the documented default.
    public init(checkpointInterval: Duration = LedgerSettings.defaultCheckpointInterval) {
        self.checkpointInterval = checkpointInterval
    }
}
