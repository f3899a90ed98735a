import Rating

// Builds Rating's ProviderCapacity from the optional limits of a `[[providers]]` table.
enum ProviderCapacityState {
    // A calls-per-second rate no event loop can reach: a provider limited only by `max_concurrent`
    // still needs a token bucket inside ProviderCapacity, and this one never runs dry in practice.
    static let unlimitedCallsPerSecond: Int64 = 1_000_000

    /// The capacity counter for `limits` at `now`, or nil when the provider has no limit at all.
    static func make(_ limits: RatingSnapshot.ProviderLimits, at now: Int64, keyPath: String) throws(RatingBookError) -> ProviderCapacity? {
        guard limits.maxConcurrent != nil || limits.callsPerSecond != nil else {
            return nil
        }
        // The burst is one second's worth of calls: a provider sold at N calls/s takes N at once after a pause.
        let rate = limits.callsPerSecond.map { Int64($0) } ?? Self.unlimitedCallsPerSecond
        do {
            return try ProviderCapacity(maxConcurrent: limits.maxConcurrent ?? Int.max, callsPerSecond: rate, burst: rate, now: now)
        } catch {
            throw RatingBookError(.invalidSettings, keyPath: keyPath, reason: error.reason, ratingError: error)
        }
    }
}
