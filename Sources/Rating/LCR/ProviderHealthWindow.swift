/// A sliding window of one provider's last attempts: at most `maxAttempts`, none older than `maxAgeMicros`.
///
/// A pure value: the node records each attempt's outcome with the time it took from its clock and
/// asks for a snapshot with the current time; nothing here reads a clock.
public struct ProviderHealthWindow: Sendable {
    /// Most attempts kept.
    public let maxAttempts: Int
    /// Oldest attempt kept, relative to the time asked about.
    public let maxAgeMicros: Int64
    private var samples: [AttemptSample] = []

    /// A window of the last `maxAttempts` attempts and `maxAgeMicros` (both at least 1).
    public init(maxAttempts: Int, maxAgeMicros: Int64) throws(RatingError) {
        guard maxAttempts > 0, maxAgeMicros > 0 else {
            throw RatingError(.invalidPolicy, reason: "a health window needs a positive size and age")
        }
        self.maxAttempts = maxAttempts
        self.maxAgeMicros = maxAgeMicros
        samples.reserveCapacity(maxAttempts)
    }

    /// Samples currently held (after the count cap; age is applied by `snapshot` and `prune`).
    public var count: Int { samples.count }

    /// Adds an attempt; the oldest falls out beyond `maxAttempts`.
    public mutating func record(_ sample: AttemptSample) {
        samples.append(sample)
        if samples.count > maxAttempts {
            samples.removeFirst(samples.count - maxAttempts)
        }
    }

    /// Drops attempts older than `maxAgeMicros` at `now`.
    public mutating func prune(at now: Int64) {
        let maxAge = maxAgeMicros
        samples.removeAll { !Self.isFresh($0, at: now, maxAge: maxAge) }
    }

    /// ASR, ACD, PDD and latency of the attempts in the window at `now`.
    public func snapshot(at now: Int64) -> ProviderHealth {
        var attempts = 0
        var answered = 0
        var duration = Mean()
        var pdd = Mean()
        var latency = Mean()
        for sample in samples where Self.isFresh(sample, at: now, maxAge: maxAgeMicros) {
            attempts += 1
            if sample.answered {
                answered += 1
                duration.add(sample.durationMicros)
            }
            pdd.add(sample.pddMicros)
            latency.add(sample.latencyMicros)
        }
        return ProviderHealth(
            attempts: attempts, answered: answered, acdMicros: duration.value,
            meanPddMicros: pdd.value, meanLatencyMicros: latency.value
        )
    }

    private static func isFresh(_ sample: AttemptSample, at now: Int64, maxAge: Int64) -> Bool {
        // A sample from "the future" (clock stepped back) counts as fresh rather than vanishing.
        now.subtractingReportingOverflow(sample.timeMicros).partialValue <= maxAge
    }
}

/// An integer mean that saturates instead of overflowing.
private struct Mean {
    private var sum: Int64 = 0
    private var count: Int64 = 0

    mutating func add(_ value: Int64?) {
        guard let value else {
            return
        }
        let (next, overflow) = sum.addingReportingOverflow(value)
        sum = overflow ? Int64.max : next
        count += 1
    }

    var value: Int64? {
        count == 0 ? nil : sum / count
    }
}
