/// What reconciling one receipt with a peer found.
public enum ReconcileOutcome: Sendable, Equatable {
    /// The peer's CDR is proven and says the same: rate, currency, receipt state, answer and end within tolerance.
    case agree
    /// The peer's CDR is proven and differs in these fields: an audit alert.
    case mismatch([ReconcileDifference])
    /// The peer has no CDR for the receipt covered by its latest checkpoint (none, or written after it).
    case missing
    /// The peer sent something that does not prove itself (bad checkpoint, key, node, record hash or proof): an audit alert.
    case unproven(String)
    /// The peer left the record out so its answer fits one message: ask again.
    case deferred
}

/// One field on which two CDRs of the same receipt disagree.
public struct ReconcileDifference: Sendable, Equatable, CustomStringConvertible {
    /// The compared field: `rate`, `currency`, `receipt_state`, `answer_us`, `end_us` or `legs`.
    public let field: String
    /// Our value (`none` when absent).
    public let ours: String
    /// The peer's value (`none` when absent).
    public let theirs: String

    /// A difference from its parts.
    public init(field: String, ours: String, theirs: String) {
        self.field = field
        self.ours = ours
        self.theirs = theirs
    }

    public var description: String { "\(field): ours \(ours), theirs \(theirs)" }
}

/// The outcome for one receipt.
public struct ReconcileResult: Sendable, Equatable {
    /// The receipt GUID.
    public let receipt: String
    /// What was found.
    public let outcome: ReconcileOutcome

    /// A result from its parts.
    public init(receipt: String, outcome: ReconcileOutcome) {
        self.receipt = receipt
        self.outcome = outcome
    }
}
