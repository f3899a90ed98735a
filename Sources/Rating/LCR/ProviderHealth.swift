/// A provider's measured health over its window: ASR, ACD, mean PDD and mean latency.
///
/// A metric without data is nil (no attempts, no answered call, no PDD measured).
public struct ProviderHealth: Hashable, Sendable {
    /// Attempts in the window.
    public let attempts: Int
    /// Answered attempts in the window.
    public let answered: Int
    /// Mean duration of answered calls, µs.
    public let acdMicros: Int64?
    /// Mean post-dial delay, µs.
    public let meanPddMicros: Int64?
    /// Mean signalling latency, µs.
    public let meanLatencyMicros: Int64?

    /// A snapshot.
    public init(attempts: Int, answered: Int, acdMicros: Int64?, meanPddMicros: Int64?, meanLatencyMicros: Int64?) {
        self.attempts = attempts
        self.answered = answered
        self.acdMicros = acdMicros
        self.meanPddMicros = meanPddMicros
        self.meanLatencyMicros = meanLatencyMicros
    }

    /// No measurements yet.
    public static let unmeasured = ProviderHealth(attempts: 0, answered: 0, acdMicros: nil, meanPddMicros: nil, meanLatencyMicros: nil)

    /// Answer-seizure ratio in basis points (10 000 = every attempt answered); nil without attempts.
    public var asrBasisPoints: Int? {
        guard attempts > 0 else {
            return nil
        }
        return answered * 10_000 / attempts
    }
}
