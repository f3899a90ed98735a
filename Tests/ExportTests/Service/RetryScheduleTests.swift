import Testing

@testable import Export

@Suite("Retry schedule")
struct RetryScheduleTests {
    @Test("ceilings double from the base up to the cap")
    func ceilings() {
        let schedule = RetrySchedule(base: .milliseconds(100), max: .milliseconds(1_000))
        #expect((1...6).map { schedule.ceiling(afterFailures: $0) } == [100, 200, 400, 800, 1_000, 1_000].map { .milliseconds($0) })
        #expect(schedule.ceiling(afterFailures: 10_000) == .milliseconds(1_000))
    }

    @Test("delays stay between base and the ceiling; jitter spreads them; success resets")
    func jitteredDelays() {
        var schedule = RetrySchedule(base: .milliseconds(100), max: .milliseconds(1_000))
        // The lowest draw always waits the base; the highest waits the ceiling.
        #expect(schedule.failed(unit: { 0 }) == .milliseconds(100))
        #expect(schedule.failed(unit: { 0.999_999 }) < .milliseconds(200))
        #expect(schedule.failed(unit: { 0.5 }) == .milliseconds(250))
        #expect(schedule.failures == 3)
        for _ in 0..<10 { _ = schedule.failed(unit: { 1 }) }
        #expect(schedule.failed(unit: { 1 }) == .milliseconds(1_000))
        schedule.succeeded()
        #expect(schedule.failures == 0)
        #expect(schedule.failed(unit: { 1 }) == .milliseconds(100))
    }

    @Test("a seeded schedule is reproducible and never outside its bounds")
    func seeded() {
        var generator = SplitMix64(seed: 42)
        var schedule = RetrySchedule(base: .milliseconds(50), max: .seconds(5))
        var delays: [Duration] = []
        for failure in 1...20 {
            let delay = schedule.failed(unit: { Double(generator.next() >> 11) / Double(1 << 53) })
            #expect(delay >= .milliseconds(50))
            #expect(delay <= schedule.ceiling(afterFailures: failure))
            delays.append(delay)
        }
        var again = SplitMix64(seed: 42)
        var replay = RetrySchedule(base: .milliseconds(50), max: .seconds(5))
        #expect(delays == (1...20).map { _ in replay.failed(unit: { Double(again.next() >> 11) / Double(1 << 53) }) })
    }
}

/// A small deterministic generator for reproducible jitter.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
