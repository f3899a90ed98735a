import Testing

@testable import Rating

@Suite struct BillableDurationTests {
    // (duration, minimum, initial, next, billed) — each computed by hand:
    static let cases: [(Int64, Int64, Int64, Int64, Int64)] = [
        (0, 30, 60, 60, 0),  // unanswered: nothing, whatever the minimum
        (1, 0, 60, 60, 60),  // b = 1 ≤ 60 → 60
        (60, 0, 60, 60, 60),
        (61, 0, 60, 60, 120),  // 60 + ⌈1/60⌉×60
        (61, 0, 30, 6, 66),  // 30 + ⌈31/6⌉×6 = 30 + 36
        (36, 0, 30, 6, 36),  // 30 + ⌈6/6⌉×6
        (37, 0, 30, 6, 42),  // 30 + ⌈7/6⌉×6 = 30 + 12
        (61, 0, 1, 1, 61),
        (10, 30, 1, 1, 30),  // minimum: b = max(10, 30) = 30
        (10, 45, 30, 6, 48),  // b = 45 → 30 + ⌈15/6⌉×6 = 30 + 18
        (10, 20, 60, 60, 60),  // b = 20 ≤ 60
        (3_601, 0, 6, 6, 3_606),  // 6 + ⌈3595/6⌉×6 = 6 + 600×6
    ]

    @Test(arguments: cases)
    func billsByIncrements(duration: Int64, minimum: Int64, initial: Int64, next: Int64, billed: Int64) throws {
        let increment = try BillingIncrement(initialSeconds: initial, nextSeconds: next)
        #expect(try BillableDuration.seconds(duration: duration, minimum: minimum, increment: increment) == billed)
    }

    @Test func refusesNegativeDurations() throws {
        let increment = try BillingIncrement(initialSeconds: 1, nextSeconds: 1)
        #expect(throws: RatingError.self) { try BillableDuration.seconds(duration: -1, minimum: 0, increment: increment) }
        // rest = max − 2, blocks = 2: 2 × (max / 2) + 2 = max + 1.
        let huge = try BillingIncrement(initialSeconds: 2, nextSeconds: .max / 2)
        #expect(throws: RatingError.self) { try BillableDuration.seconds(duration: .max, minimum: 0, increment: huge) }
    }

    @Test func roundsMillisecondsUpToStartedSeconds() {
        #expect(Usage.voice(durationMilliseconds: 0) == .voice(durationSeconds: 0))
        #expect(Usage.voice(durationMilliseconds: 1) == .voice(durationSeconds: 1))
        #expect(Usage.voice(durationMilliseconds: 1_000) == .voice(durationSeconds: 1))
        #expect(Usage.voice(durationMilliseconds: 1_001) == .voice(durationSeconds: 2))
        #expect(Usage.voice(durationMilliseconds: 60_001) == .voice(durationSeconds: 61))
        #expect(Usage.voice(durationMilliseconds: -5) == .voice(durationSeconds: 0))
    }
}

@Suite struct LegChargeTests {
    typealias F = DeckFixtures

    static func match(
        rate: String, unit: String = "per-min", increments: (String, String) = ("60", "60"), fee: String = "0", minimum: String = "0"
    ) throws -> RateMatch {
        let deck = try F.deck([F.row("44", rate: rate, unit: unit, increments: increments, fee: fee, minimum: minimum)])
        return try #require(deck.match("44", at: F.june2024))
    }

    // (rate, increments, fee, minimum, duration s, charge) — hand-computed; `µ` = micro-units:
    static let voiceCases: [(String, (String, String), String, String, Int64, String)] = [
        // 61 s at 30/6, 0.0123/min: billed 66 s; 12 300 µ × 66 / 60 = 811 800 / 60 = 13 530 µ.
        ("0.0123", ("30", "6"), "0", "0", 61, "0.013530"),
        // 61 s at 60/60: billed 120 s; 12 300 × 120 / 60 = 24 600 µ.
        ("0.0123", ("60", "60"), "0", "0", 61, "0.024600"),
        // 61 s at 1/1: billed 61 s; 12 300 × 61 / 60 = 750 300 / 60 = 12 505 µ.
        ("0.0123", ("1", "1"), "0", "0", 61, "0.012505"),
        // Fee 0.05 + 61 s at 30/6: (50 000 × 60 + 811 800) / 60 = 63 530 µ.
        ("0.0123", ("30", "6"), "0.05", "0", 61, "0.063530"),
        // 0 s — unanswered, or answered and hung up within the same microsecond (a zero-length answered call,
        // duration_ms 0): nothing, not even the fee or the minimum (rating.md, "Pricing").
        ("0.0123", ("30", "6"), "0.05", "30", 0, "0.000000"),
        // Minimum 30 s at 1/1, 10 s call: 12 300 × 30 / 60 = 6 150 µ.
        ("0.0123", ("1", "1"), "0", "30", 10, "0.006150"),
        // Rounding at the boundary: 30 µ/min × 1 s = 30/60 = 0.5 µ → half-up → 1 µ.
        ("0.000030", ("1", "1"), "0", "0", 1, "0.000001"),
        // 29/60 = 0.483 µ → 0 µ.
        ("0.000029", ("1", "1"), "0", "0", 1, "0.000000"),
        // 12 500 × 7 / 60 = 87 500 / 60 = 1 458.33 µ → 1 458 µ.
        ("0.0125", ("1", "1"), "0", "0", 7, "0.001458"),
        // 12 500 × 11 / 60 = 137 500 / 60 = 2 291.67 µ → 2 292 µ.
        ("0.0125", ("1", "1"), "0", "0", 11, "0.002292"),
        // 100 µ × 1 / 60 = 1.67 µ → 2 µ.
        ("0.0001", ("1", "1"), "0", "0", 1, "0.000002"),
        // Issue 5 example: customer 0.0150 at 6/6, 61 s → 66 s → 15 000 × 66 / 60 = 16 500 µ.
        ("0.0150", ("6", "6"), "0", "0", 61, "0.016500"),
        // Zero rate: nothing but the fee (a free destination still has its connection fee).
        ("0", ("60", "60"), "0.01", "0", 5, "0.010000"),
    ]

    @Test(arguments: voiceCases)
    func pricesVoiceCalls(rate: String, increments: (String, String), fee: String, minimum: String, duration: Int64, charge: String) throws {
        let match = try Self.match(rate: rate, increments: increments, fee: fee, minimum: minimum)
        let leg = try LegCharge.compute(.voice(durationSeconds: duration), match: match)
        #expect(leg.amount.decimalString == charge)
    }

    @Test func pricesMessages() throws {
        let match = try Self.match(rate: "0.0040", unit: "per-msg")
        #expect(try LegCharge.compute(.messages(count: 1), match: match).amount.decimalString == "0.004000")
        #expect(try LegCharge.compute(.messages(count: 3), match: match).amount.decimalString == "0.012000")
        #expect(try LegCharge.compute(.messages(count: 0), match: match).amount.decimalString == "0.000000")
        // Fee 0.001 + 2 × 0.0025 = 0.006.
        let withFee = try Self.match(rate: "0.0025", unit: "per-msg", fee: "0.001")
        let leg = try LegCharge.compute(.messages(count: 2), match: withFee)
        #expect(leg.amount.micros == 6_000)
        #expect(leg.billedQuantity == 2)
        #expect(leg.fields["billed_messages"] == .integer(2))
        #expect(leg.fields["billed_s"] == nil)
    }

    @Test func refusesUsageOfTheOtherUnit() throws {
        let perMinute = try Self.match(rate: "0.01")
        let perMessage = try Self.match(rate: "0.01", unit: "per-msg")
        for (usage, match) in [(Usage.messages(count: 1), perMinute), (.voice(durationSeconds: 1), perMessage)] {
            do {
                _ = try LegCharge.compute(usage, match: match)
                Issue.record("priced \(usage)")
            } catch {
                #expect(error.code == .unitMismatch)
            }
        }
        #expect(throws: RatingError.self) { try LegCharge.compute(.messages(count: -1), match: perMessage) }
    }

    @Test func refusesAChargeThatOverflows() throws {
        let match = try Self.match(rate: "1000000", increments: ("1", "1"))
        do {
            _ = try LegCharge.compute(.voice(durationSeconds: .max / 2), match: match)
            Issue.record("no overflow")
        } catch {
            #expect(error.code == .overflow)
        }
    }
}

@Suite struct RatedPriceTests {
    typealias F = DeckFixtures

    /// Issue 5's example: customer c1 0.0150/min, provider p1 0.0100/min, both 6/6; a 61 s call.
    @Test func pricesAllThreeDirections() throws {
        let customer = try #require(try F.deck([F.row("44", rate: "0.0150", increments: ("6", "6"))], name: "c1.csv").match("447700900123", at: F.june2024))
        let provider = try #require(try F.deck([F.row("44", rate: "0.0100", increments: ("6", "6"))], name: "p1.csv").match("447700900123", at: F.june2024))
        let price = try RatedPrice.rate(.voice(durationSeconds: 61), customer: customer, provider: provider)
        // Billed 66 s each side: 15 000 × 66 / 60 = 16 500 µ; 10 000 × 66 / 60 = 11 000 µ; spread 5 500 µ.
        #expect(price.customer.amount.decimalString == "0.016500")
        #expect(price.provider.amount.decimalString == "0.011000")
        #expect(price.spread.decimalString == "0.005500")
        #expect(price.customer.billedQuantity == 66)
        #expect(price.fields["currency"] == .string("EUR"))
        #expect(price.fields["spread"] == .string("0.005500"))
        guard case .object(let customerFields)? = price.fields["customer"] else {
            Issue.record("no customer block")
            return
        }
        #expect(customerFields == [
            "deck": .string("c1.csv"), "deck_version": .string(customer.deckVersion), "prefix": .string("44"),
            "rate": .string("0.015000"), "price_unit": .string("per-min"), "connection_fee": .string("0.000000"),
            "charge": .string("0.016500"), "initial_increment_s": .integer(6), "next_increment_s": .integer(6),
            "minimum_duration_s": .integer(0), "billed_s": .integer(66),
        ])

        // Negotiated down to 0.0090: 9 000 × 66 / 60 = 9 900 µ; spread 6 600 µ; the deck rate is recorded.
        let negotiated = try RatedPrice.rate(.voice(durationSeconds: 61), customer: customer, provider: provider, negotiatedProviderRate: try F.eur("0.0090"))
        #expect(negotiated.provider.amount.micros == 9_900)
        #expect(negotiated.spread.micros == 6_600)
        #expect(negotiated.provider.fields["deck_rate"] == .string("0.010000"))
        #expect(negotiated.provider.fields["rate"] == .string("0.009000"))
    }

    @Test func refusesMixedCurrenciesAndUnits() throws {
        let eur = try #require(try F.deck([F.row("44")]).match("44", at: F.june2024))
        let usd = try #require(try F.deck([F.row("44", currency: "USD")]).match("44", at: F.june2024))
        let message = try #require(try F.deck([F.row("44", unit: "per-msg")]).match("44", at: F.june2024))
        do {
            _ = try RatedPrice.rate(.voice(durationSeconds: 1), customer: eur, provider: usd)
            Issue.record("mixed currencies")
        } catch {
            #expect(error.code == .currencyMismatch)
        }
        do {
            _ = try RatedPrice.rate(.voice(durationSeconds: 1), customer: eur, provider: message)
            Issue.record("mixed units")
        } catch {
            #expect(error.code == .unitMismatch)
        }
        #expect(throws: RatingError.self) {
            try RatedPrice.rate(.voice(durationSeconds: 1), customer: eur, provider: eur, negotiatedProviderRate: Money(micros: 1, currency: try CurrencyCode("USD")))
        }
    }

    /// Billed seconds of one side against its row: nothing for a zero-length call; else at least the duration,
    /// the minimum and the initial increment, and whole next increments after the initial one, less than one
    /// increment beyond what was used.
    static func expectBilled(_ billed: Int64, amount: Int64, duration: Int64, entry: RateEntry, side: String) {
        if duration == 0 {
            #expect(billed == 0 && amount == 0, "\(side): \(billed) s, \(amount) µ for 0 s")
            return
        }
        let base = max(duration, entry.minimumDurationSeconds)
        #expect(billed >= base, "\(side)")
        #expect(billed >= entry.increment.initialSeconds, "\(side)")
        if billed > entry.increment.initialSeconds {
            #expect((billed - entry.increment.initialSeconds) % entry.increment.nextSeconds == 0, "\(side)")
            #expect(billed - base < entry.increment.nextSeconds, "\(side)")
        } else {
            #expect(base <= entry.increment.initialSeconds, "\(side)")
        }
    }

    /// Property: for seeded random rows and durations, spread = charge − cost exactly, billed seconds of both
    /// sides respect their own minimum and increments, and neither charge decreases with the duration.
    @Test func propertiesHoldForRandomDecksAndDurations() throws {
        var generator = SplitMix64(seed: 2024)
        let incrementChoices: [(Int64, Int64)] = [(60, 60), (30, 6), (6, 6), (1, 1), (30, 30), (45, 15)]
        for _ in 0..<200 {
            let (ci, cn) = incrementChoices[Int(generator.next() % UInt64(incrementChoices.count))]
            let (pi, pn) = incrementChoices[Int(generator.next() % UInt64(incrementChoices.count))]
            let customerRow = F.row(
                "44", rate: DecimalMicros.format(Int64(generator.next() % 2_000_000)), increments: ("\(ci)", "\(cn)"),
                fee: DecimalMicros.format(Int64(generator.next() % 100_000)), minimum: "\(generator.next() % 120)"
            )
            let providerRow = F.row(
                "4", rate: DecimalMicros.format(Int64(generator.next() % 2_000_000)), increments: ("\(pi)", "\(pn)"),
                fee: DecimalMicros.format(Int64(generator.next() % 100_000)), minimum: "\(generator.next() % 120)"
            )
            let customer = try #require(try F.deck([customerRow]).match("4420", at: F.june2024))
            let provider = try #require(try F.deck([providerRow]).match("4420", at: F.june2024))
            var previous: (charge: Int64, cost: Int64) = (0, 0)
            var durations = (0..<40).map { _ in Int64(generator.next() % 7_200) }
            durations.sort()
            for duration in durations {
                let price = try RatedPrice.rate(.voice(durationSeconds: duration), customer: customer, provider: provider)
                #expect(price.spread.micros == price.customer.amount.micros - price.provider.amount.micros)
                #expect(price.customer.amount.micros >= previous.charge)
                #expect(price.provider.amount.micros >= previous.cost)
                previous = (price.customer.amount.micros, price.provider.amount.micros)
                Self.expectBilled(
                    price.customer.billedQuantity, amount: price.customer.amount.micros, duration: duration, entry: customer.entry,
                    side: "customer"
                )
                Self.expectBilled(
                    price.provider.billedQuantity, amount: price.provider.amount.micros, duration: duration, entry: provider.entry,
                    side: "provider"
                )
            }
        }
    }
}
