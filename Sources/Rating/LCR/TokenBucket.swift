/// A token bucket for calls per second, on an injected clock (UTC µs).
///
/// Tokens are held in millionths so refills are exact integers: `ratePerSecond` tokens per second
/// means `ratePerSecond` millionths per microsecond. The bucket starts full (`burst` tokens).
public struct TokenBucket: Hashable, Sendable {
    private static let scale: Int64 = 1_000_000

    /// Tokens added per second.
    public let ratePerSecond: Int64
    /// Most tokens held.
    public let burst: Int64
    private var microTokens: Int64
    private var lastMicros: Int64

    /// A full bucket at `now`; rate and burst must be positive.
    public init(ratePerSecond: Int64, burst: Int64, now: Int64) throws(RatingError) {
        guard ratePerSecond > 0, burst > 0, burst <= Int64.max / Self.scale else {
            throw RatingError(.invalidPolicy, reason: "a token bucket needs a positive rate and burst")
        }
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.microTokens = burst * Self.scale
        self.lastMicros = now
    }

    /// True when a token is available at `now` (nothing is taken).
    public func canTake(at now: Int64) -> Bool {
        refilled(at: now).microTokens >= Self.scale
    }

    /// Takes one token at `now`; false (and nothing taken) when the bucket is empty.
    public mutating func take(at now: Int64) -> Bool {
        self = refilled(at: now)
        guard microTokens >= Self.scale else {
            return false
        }
        microTokens -= Self.scale
        return true
    }

    private func refilled(at now: Int64) -> TokenBucket {
        var copy = self
        // A clock stepped backwards refills nothing; the bucket's time never moves back.
        guard now > lastMicros else {
            return copy
        }
        let capacity = burst * Self.scale
        let elapsed = now - lastMicros
        let (added, overflow) = elapsed.multipliedReportingOverflow(by: ratePerSecond)
        let (sum, overflowSum) = copy.microTokens.addingReportingOverflow(added)
        copy.microTokens = (overflow || overflowSum) ? capacity : min(sum, capacity)
        copy.lastMicros = now
        return copy
    }
}
