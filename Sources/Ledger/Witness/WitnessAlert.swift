/// Why a witness refused a peer's checkpoint: each case is an audit alert (docs/audit.md).
public enum WitnessAlert: Sendable, Equatable {
    /// The signature does not verify, or the key is not the one configured for the peer.
    case badSignature(String)
    /// The checkpoint names another node than the peer it came from.
    case wrongNode(claimed: String)
    /// The consistency proof does not link the held root to the new root: history was rewritten.
    case inconsistent(kind: String, fromSize: UInt64, toSize: UInt64)
    /// Two different signed statements for the same point: the same size with another root, or
    /// (kind `checkpoint`, size = seq) a checkpoint `seq` already passed with another line. Both kept as evidence.
    case equivocation(kind: String, size: UInt64, held: CheckpointStatement, offered: CheckpointStatement)
    /// A chain is smaller than the witness already holds.
    case shrank(kind: String, held: UInt64, offered: UInt64)
    /// The body could not be read (a `WitnessError`'s reason).
    case malformed(String)

    /// The stable alert code written into audit records and metrics.
    public var code: String {
        switch self {
        case .badSignature: "bad_signature"
        case .wrongNode: "wrong_node"
        case .inconsistent: "inconsistent"
        case .equivocation: "equivocation"
        case .shrank: "shrank"
        case .malformed: "malformed"
        }
    }
}
