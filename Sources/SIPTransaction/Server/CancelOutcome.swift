/// How the UAS answers a CANCEL that matches a server INVITE transaction (RFC 3261 §9.2).
public enum CancelOutcome: Sendable, Hashable {
    /// No final response sent yet: answer the CANCEL 200 and the INVITE 487.
    case terminateRequest
    /// A final response was already sent: answer the CANCEL 200 and leave the INVITE alone.
    case tooLate
    /// The transaction no longer exists for matching purposes: answer the CANCEL 481.
    case noTransaction

    /// The status code for the response to the CANCEL itself.
    public var cancelStatusCode: Int {
        switch self {
        case .terminateRequest, .tooLate: 200
        case .noTransaction: 481
        }
    }

    /// Whether the INVITE must now be answered with 487 Request Terminated.
    public var sendsRequestTerminated: Bool {
        switch self {
        case .terminateRequest: true
        case .tooLate, .noTransaction: false
        }
    }
}
