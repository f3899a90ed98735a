/// How the client reconnects after losing a server: exponential backoff with jitter, optionally bounded.
public struct NATSReconnectPolicy: Sendable, Hashable {
    /// The wait before the first reconnect attempt.
    public var initialDelay: Duration
    /// The cap of the doubling wait.
    public var maxDelay: Duration
    /// Up to this fraction of the wait is added at random, so many clients do not reconnect in lockstep.
    public var jitter: Double
    /// Give up (and close) after this many failed attempts in a row; `nil` retries forever.
    public var maxAttempts: Int?

    public init(
        initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5), jitter: Double = 0.2,
        maxAttempts: Int? = nil
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = max(initialDelay, maxDelay)
        self.jitter = min(max(jitter, 0), 1)
        self.maxAttempts = maxAttempts
    }

    /// The wait before attempt `attempt` (1-based); `unit` is a random number in `0..<1`.
    func delay(attempt: Int, unit: Double) -> Duration {
        // 2^20 × any sane initial delay is far past any cap; stop doubling there to avoid overflow.
        let doublings = min(max(attempt - 1, 0), 20)
        var base = self.initialDelay
        for _ in 0..<doublings where base < self.maxDelay { base = base * 2 }
        base = min(base, self.maxDelay)
        return base + base * (self.jitter * min(max(unit, 0), 1))
    }
}

/// SplitMix64: a small seeded generator, so jitter is reproducible in tests and cheap in production.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<1`.
    mutating func nextUnit() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }
}
