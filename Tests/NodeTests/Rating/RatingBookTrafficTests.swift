import Node
import Rating
import Testing

@Suite struct RatingBookTrafficTests {
    private let now = RatingFixtures.june2024

    private func groups(_ book: RatingBook, at time: Int64) -> [[String]]? {
        book.plan(customerID: "c1", destination: "4420", at: time, service: .voice).route?.groupIDs
    }

    @Test func concurrencyExhaustionExcludesUntilReleased() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback(p1MaxConcurrent: 1))
        #expect(book.admit(providerID: "p1", at: now))
        #expect(book.activeSessions(of: "p1") == 1)
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p2"]])
        #expect(route.excluded.map(\.reason) == [.concurrencyExhausted])
        #expect(!book.admit(providerID: "p1", at: now))
        book.release(providerID: "p1")
        #expect(groups(book, at: now) == [["p1"], ["p2"]])
    }

    @Test func callsPerSecondExhaustionExcludesUntilTheBucketRefills() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback(p1CallsPerSecond: 1))
        #expect(book.admit(providerID: "p1", at: now))
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now + 1, service: .voice).route)
        #expect(route.excluded.map(\.reason) == [.rateExhausted])
        #expect(!book.admit(providerID: "p1", at: now + 500_000))
        // One second later a token is back.
        #expect(groups(book, at: now + 1_000_000) == [["p1"], ["p2"]])
    }

    @Test func providersWithoutLimitsAlwaysAdmit() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        for _ in 0..<10_000 {
            #expect(book.admit(providerID: "p2", at: now))
        }
        #expect(book.admit(providerID: "not-configured", at: now))
        book.release(providerID: "not-configured")
        #expect(book.activeSessions(of: "p2") == 0)
    }

    @Test func degradingHealthMovesAProviderBehindTheHealthyOnes() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback())
        #expect(groups(book, at: now) == [["p1"], ["p2"]])
        // Ten unanswered attempts with 2 s to the first response: ASR 0, latency score 0 → health 3 500.
        for index in 0..<10 {
            let sample = AttemptSample(timeMicros: now + Int64(index), answered: false, latencyMicros: 2_000_000)
            book.record(providerID: "p1", sample: sample)
        }
        let at = now + 1_000
        #expect(book.health(of: "p1", at: at).attempts == 10)
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: at, service: .voice).route)
        #expect(route.groupIDs == [["p2"], ["p1"]])
        #expect(route.provider("p1")?.scored.healthBasisPoints == 3_500)
        #expect(route.provider("p1")?.scored.healthy == false)
    }

    @Test func healthOutsideTheWindowNoLongerCounts() throws {
        let settings = RatingSettings(healthWindow: .seconds(60))
        let book = try RatingFixtures.book(RatingFixtures.loopback(rating: settings))
        for index in 0..<10 {
            book.record(providerID: "p1", sample: AttemptSample(timeMicros: now + Int64(index), answered: false, latencyMicros: 2_000_000))
        }
        #expect(groups(book, at: now + 1_000) == [["p2"], ["p1"]])
        #expect(groups(book, at: now + 61_000_000) == [["p1"], ["p2"]])
    }

    /// Health and capacity are kept per provider (by its slot in the snapshot): what is reported for p2 is p2's alone.
    @Test func healthAndCapacityAreEachProvidersOwn() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback(p1MaxConcurrent: 1))
        for index in 0..<12 {
            book.record(providerID: "p2", sample: AttemptSample(timeMicros: now + Int64(index), answered: false, latencyMicros: 2_000_000))
        }
        #expect(book.health(of: "p2", at: now + 20).attempts == 12)
        #expect(book.health(of: "p1", at: now + 20).attempts == 0)
        #expect(book.admit(providerID: "p2", at: now + 20))
        #expect(book.activeSessions(of: "p1") == 0)
        #expect(book.admit(providerID: "p1", at: now + 20))
        #expect(book.activeSessions(of: "p1") == 1)
        // p1 is full, p2 unhealthy: p1 is excluded and p2 still planned, behind nobody.
        #expect(groups(book, at: now + 20) == [["p2"]])
    }
}
