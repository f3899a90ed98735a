/// Which side ended the session.
public enum ReleasedBy: String, Sendable, Equatable, CaseIterable {
    /// The A leg (originating carrier) hung up, cancelled or stopped answering.
    case customer
    /// The answering or last B leg (terminating carrier) hung up or rejected.
    case provider
    /// The node itself ended the session (timer, drain, failure).
    case node
}
