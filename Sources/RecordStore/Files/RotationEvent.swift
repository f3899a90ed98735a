/// One rotation of a chain's files, as observers (logs, benchmarks) see it. Reported on the writer thread after
/// the cycle's sync, so an observer must return quickly.
public struct RotationEvent: Sendable {
    /// The chain: `cdr`, `attempt`, `audit` or `checkpoint`.
    public var kind: String
    /// The file that was closed (its manifest is written off the writer thread, shortly after).
    public var closedFile: String
    /// The file records go to now.
    public var currentFile: String
    /// Records in the closed file.
    public var records: Int
    /// How long the swap took: taking the pre-opened file, naming it, making it current.
    public var swap: Duration
}
