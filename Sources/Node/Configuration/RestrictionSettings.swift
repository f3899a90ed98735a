/// CDR Restriction settings (`[restriction]`): when failed local writes stop the node taking calls, and when it resumes.
public struct RestrictionSettings: Sendable, Hashable {
    /// Consecutive failed local writes that put the node into restriction (`[restriction] failures`).
    public var failures: Int
    /// Consecutive successful probe writes that take the node out of restriction (`[restriction] probe_successes`).
    public var probeSuccesses: Int
    /// `Retry-After` sent with the `503` for new requests while restricted (`[restriction] retry_after_s`).
    public var retryAfter: Duration

    /// Default `[restriction] failures`.
    public static let defaultFailures = 3
    /// Default `[restriction] probe_successes`.
    public static let defaultProbeSuccesses = 3
    /// Default `[restriction] retry_after_s`.
    public static let defaultRetryAfter = Duration.seconds(30)

    /// Creates settings; every argument defaults to the documented default.
    public init(
        failures: Int = RestrictionSettings.defaultFailures,
        probeSuccesses: Int = RestrictionSettings.defaultProbeSuccesses,
        retryAfter: Duration = RestrictionSettings.defaultRetryAfter
    ) {
        self.failures = failures
        self.probeSuccesses = probeSuccesses
        self.retryAfter = retryAfter
    }
}
