/// Exponential backoff with jitter (docs/export.md): after the n-th consecutive failure (n from 1) the delay is drawn
/// uniformly from `base ... min(max, base * 2^(n-1))`. The lower bound keeps a flapping target from being hammered;
/// the jitter spreads the retries of many files and nodes after an outage, so they do not come back as one storm.
/// Pure: the random source is injected, so tests fix the schedule.
public struct RetrySchedule: Sendable, Hashable {
    public var base: Duration
    public var max: Duration
    /// Consecutive failures so far.
    public private(set) var failures = 0

    public init(base: Duration, max: Duration) {
        self.base = base
        self.max = Swift.max(base, max)
    }

    /// The ceiling of the n-th delay (n ≥ 1): `min(max, base * 2^(n-1))`, without overflow.
    public func ceiling(afterFailures n: Int) -> Duration {
        var ceiling = base
        var step = 1
        while step < n, ceiling < max {
            ceiling = ceiling * 2
            step += 1
        }
        return Swift.min(ceiling, max)
    }

    /// Notes one more failure and returns the delay before the next try; `unit` draws from `0 ..< 1`.
    public mutating func failed(unit: () -> Double) -> Duration {
        failures += 1
        let ceiling = ceiling(afterFailures: failures)
        let spread = ceiling - base
        let fraction = Swift.min(Swift.max(unit(), 0), 1)
        return base + spread * fraction
    }

    /// A success ends the run of failures.
    public mutating func succeeded() {
        failures = 0
    }
}
