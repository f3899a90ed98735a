import Testing

@testable import Rating

@Suite struct EffectivePeriodTests {
    @Test func containsFromInclusiveUntilExclusive() throws {
        let period = try EffectivePeriod(fromMicros: 100, untilMicros: 200)
        #expect(!period.contains(99))
        #expect(period.contains(100))
        #expect(period.contains(199))
        #expect(!period.contains(200))
        #expect(try EffectivePeriod(fromMicros: 100, untilMicros: nil).contains(.max))
    }

    @Test func overlapIsSymmetric() throws {
        let a = try EffectivePeriod(fromMicros: 0, untilMicros: 100)
        let b = try EffectivePeriod(fromMicros: 100, untilMicros: nil)
        let c = try EffectivePeriod(fromMicros: 99, untilMicros: 101)
        #expect(!a.overlaps(b) && !b.overlaps(a))
        #expect(a.overlaps(c) && c.overlaps(a))
        #expect(b.overlaps(c) && c.overlaps(b))
    }

    @Test func refusesAnEmptyPeriod() {
        #expect(throws: RatingError.self) { try EffectivePeriod(fromMicros: 5, untilMicros: 5) }
        #expect(throws: RatingError.self) { try BillingIncrement(initialSeconds: 0, nextSeconds: 1) }
    }
}
