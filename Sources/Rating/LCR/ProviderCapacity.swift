/// Whether a provider can take one more call now.
public enum CapacityVerdict: String, Hashable, Sendable {
    /// Below both limits.
    case available
    /// `maxConcurrent` sessions are up.
    case concurrencyExhausted = "concurrency_exhausted"
    /// The calls-per-second bucket is empty.
    case rateExhausted = "rate_exhausted"
}

/// A provider's capacity: concurrent sessions counted up and down, calls per second by `TokenBucket`.
public struct ProviderCapacity: Hashable, Sendable {
    /// Most sessions up at once.
    public let maxConcurrent: Int
    /// Sessions up now.
    public private(set) var active: Int = 0
    private var bucket: TokenBucket

    /// A provider with no session up at `now`.
    public init(maxConcurrent: Int, callsPerSecond: Int64, burst: Int64, now: Int64) throws(RatingError) {
        guard maxConcurrent > 0 else {
            throw RatingError(.invalidPolicy, reason: "max concurrent sessions must be positive")
        }
        self.maxConcurrent = maxConcurrent
        self.bucket = try TokenBucket(ratePerSecond: callsPerSecond, burst: burst, now: now)
    }

    /// Whether a call could be admitted at `now` (nothing changes).
    public func verdict(at now: Int64) -> CapacityVerdict {
        guard active < maxConcurrent else {
            return .concurrencyExhausted
        }
        return bucket.canTake(at: now) ? .available : .rateExhausted
    }

    /// Admits a call at `now` when possible (takes a token and counts the session); returns the verdict.
    public mutating func admit(at now: Int64) -> CapacityVerdict {
        guard active < maxConcurrent else {
            return .concurrencyExhausted
        }
        guard bucket.take(at: now) else {
            return .rateExhausted
        }
        active += 1
        return .available
    }

    /// A session admitted earlier ended (or its attempt failed).
    public mutating func release() {
        active = max(active - 1, 0)
    }
}
