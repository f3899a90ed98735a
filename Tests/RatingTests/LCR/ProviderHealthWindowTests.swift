import Testing

@testable import Rating

@Suite struct ProviderHealthWindowTests {
    @Test func measuresASRACDPDDAndLatency() throws {
        var window = try ProviderHealthWindow(maxAttempts: 10, maxAgeMicros: 60_000_000)
        window.record(AttemptSample(timeMicros: 1_000, answered: true, pddMicros: 2_000_000, durationMicros: 60_000_000, latencyMicros: 100_000))
        window.record(AttemptSample(timeMicros: 2_000, answered: true, pddMicros: 4_000_000, durationMicros: 120_000_000, latencyMicros: 300_000))
        window.record(AttemptSample(timeMicros: 3_000, answered: false, pddMicros: nil, durationMicros: nil, latencyMicros: 200_000))
        window.record(AttemptSample(timeMicros: 4_000, answered: false))
        let health = window.snapshot(at: 5_000)
        #expect(health.attempts == 4)
        #expect(health.answered == 2)
        #expect(health.asrBasisPoints == 5_000)
        #expect(health.acdMicros == 90_000_000)  // (60 + 120) / 2 s
        #expect(health.meanPddMicros == 3_000_000)  // (2 + 4) / 2 s
        #expect(health.meanLatencyMicros == 200_000)  // (100 + 300 + 200) / 3 ms
    }

    @Test func keepsTheLastNAttempts() throws {
        var window = try ProviderHealthWindow(maxAttempts: 3, maxAgeMicros: .max)
        for time in 0..<5 {
            window.record(AttemptSample(timeMicros: Int64(time), answered: time < 2))
        }
        #expect(window.count == 3)
        // Attempts 2, 3, 4 remain: none answered.
        #expect(window.snapshot(at: 10).asrBasisPoints == 0)
    }

    @Test func forgetsAttemptsOlderThanTheAge() throws {
        var window = try ProviderHealthWindow(maxAttempts: 100, maxAgeMicros: 10_000_000)
        window.record(AttemptSample(timeMicros: 0, answered: false))
        window.record(AttemptSample(timeMicros: 5_000_000, answered: true))
        #expect(window.snapshot(at: 10_000_000).attempts == 2)  // exactly T old still counts
        #expect(window.snapshot(at: 10_000_001).attempts == 1)
        #expect(window.snapshot(at: 10_000_001).asrBasisPoints == 10_000)
        window.prune(at: 16_000_000)
        #expect(window.count == 0)
        #expect(window.snapshot(at: 16_000_000) == .unmeasured)
    }

    @Test func refusesAnEmptyWindow() {
        #expect(throws: RatingError.self) { try ProviderHealthWindow(maxAttempts: 0, maxAgeMicros: 1) }
    }
}

@Suite struct CapacityTests {
    @Test func tokenBucketAllowsBurstThenRefillsAtRate() throws {
        var bucket = try TokenBucket(ratePerSecond: 2, burst: 2, now: 0)
        // (time, expected take): burst 2, then 2 per second = one token every 500 ms.
        let steps: [(Int64, Bool)] = [
            (0, true), (0, true), (0, false), (499_999, false), (500_000, true), (500_000, false),
            // A long pause refills to the burst, not beyond.
            (100_000_000, true), (100_000_000, true), (100_000_000, false),
            // A clock stepped backwards refills nothing.
            (0, false), (Int64.max, true),
        ]
        for (time, expected) in steps {
            let peek = bucket.canTake(at: time)
            let taken = bucket.take(at: time)
            #expect(taken == expected, "at \(time)")
            #expect(peek == expected, "peek at \(time)")
        }
    }

    @Test func capacityCountsConcurrentSessionsAndCallsPerSecond() throws {
        var capacity = try ProviderCapacity(maxConcurrent: 2, callsPerSecond: 10, burst: 1, now: 0)
        #expect(capacity.verdict(at: 0) == .available)
        let verdicts = [capacity.admit(at: 0), capacity.admit(at: 0), capacity.admit(at: 100_000)]
        // Burst 1, then 10/s: a token every 100 ms.
        #expect(verdicts == [.available, .rateExhausted, .available])
        #expect(capacity.active == 2)
        #expect(capacity.verdict(at: 1_000_000) == .concurrencyExhausted)
        capacity.release()
        #expect(capacity.verdict(at: 1_000_000) == .available)
        capacity.release()
        capacity.release()
        #expect(capacity.active == 0)
    }
}
