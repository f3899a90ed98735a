/// How one attempt toward a provider ended.
public enum AttemptOutcome: String, Sendable, Equatable, CaseIterable {
    /// The provider answered; this attempt carried the call.
    case answered
    /// The provider rejected and the session did not try another provider.
    case failed
    /// The provider did not answer in time.
    case timeout
    /// The attempt was cancelled (customer CANCEL or node decision).
    case cancelled
    /// The provider rejected and the session moved on to another provider.
    case failedOver = "failed_over"
}
