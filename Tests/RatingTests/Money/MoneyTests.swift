import Testing

@testable import Rating

@Suite struct MoneyParsingTests {
    @Test(arguments: [
        ("0", Int64(0)), ("0.0123", Int64(12_300)), ("12", 12_000_000), ("1.5", 1_500_000), ("-1.5", -1_500_000),
        ("0.000001", 1), ("0.0000010", 1), ("0.123456000", 123_456), ("007.25", 7_250_000),
        ("9223372036854.775807", Int64.max),
    ])
    func parsesExactDecimals(text: String, micros: Int64) throws {
        #expect(try DecimalMicros.parse(text) == micros)
    }

    @Test(arguments: ["", "-", ".5", "1.", "1.2.3", "1e3", "+1", " 1", "1 ", "1,5", "0.0000001", "abc", "--1", "１"])
    func refusesAnythingElse(text: String) {
        #expect(throws: RatingError.self) { try DecimalMicros.parse(text) }
        do {
            _ = try DecimalMicros.parse(text)
        } catch {
            #expect(error.code == .invalidAmount)
        }
    }

    @Test func refusesOverflow() {
        for text in ["9223372036854.775808", "99999999999999999999", "-9223372036854.775809"] {
            do {
                _ = try DecimalMicros.parse(text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.code == .overflow)
            }
        }
    }

    @Test(arguments: [
        (Int64(0), "0.000000"), (Int64(12_300), "0.012300"), (-1_500_000, "-1.500000"), (1, "0.000001"),
        (Int64.max, "9223372036854.775807"), (Int64.min, "-9223372036854.775808"),
    ])
    func formatsWithSixFractionDigits(micros: Int64, text: String) {
        #expect(DecimalMicros.format(micros) == text)
    }

    @Test func formatRoundTrips() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let micros = Int64(bitPattern: generator.next()) / 3
            #expect(try DecimalMicros.parse(DecimalMicros.format(micros)) == micros)
        }
    }
}

@Suite struct MoneyArithmeticTests {
    @Test func addsSubtractsAndMultipliesExactly() throws {
        let a = try DeckFixtures.eur("0.0150")
        let b = try DeckFixtures.eur("0.0100")
        #expect(try a.subtracting(b).decimalString == "0.005000")
        #expect(try b.subtracting(a).decimalString == "-0.005000")
        #expect(try a.adding(b).micros == 25_000)
        #expect(try a.multiplied(by: 3).micros == 45_000)
        #expect(try b.isLess(than: a))
    }

    @Test func refusesOverflowWithATypedError() throws {
        let max = Money(micros: .max, currency: DeckFixtures.eur)
        let one = Money(micros: 1, currency: DeckFixtures.eur)
        for operation in [{ try max.adding(one) }, { try Money(micros: .min, currency: DeckFixtures.eur).subtracting(one) }, { try max.multiplied(by: 2) }] {
            do {
                _ = try operation()
                Issue.record("no overflow")
            } catch let error as RatingError {
                #expect(error.code == .overflow)
            }
        }
    }

    @Test func refusesMixingCurrencies() throws {
        let eur = try DeckFixtures.eur("1")
        let usd = Money(micros: 1, currency: try CurrencyCode("USD"))
        do {
            _ = try eur.adding(usd)
            Issue.record("mixed currencies")
        } catch {
            #expect(error.code == .currencyMismatch)
        }
    }

    @Test(arguments: ["eur", "EU", "EURO", "E1R", ""])
    func refusesBadCurrencyCodes(text: String) {
        do {
            _ = try CurrencyCode(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .invalidCurrency)
        }
    }
}

@Suite struct RoundingTests {
    // Half-up (away from zero) at exactly one half; toward zero below it.
    static let cases: [(Int64, Int64, Int64)] = [
        (30, 60, 1), (29, 60, 0), (89, 60, 1), (90, 60, 2), (91, 60, 2),
        (-30, 60, -1), (-29, 60, 0), (0, 60, 0), (120, 60, 2), (5, 1, 5), (Int64.max, 2, Int64.max / 2 + 1),
    ]

    @Test(arguments: cases)
    func dividesHalfUp(numerator: Int64, divisor: Int64, expected: Int64) throws {
        #expect(try Rounding.divideHalfUp(numerator, by: divisor) == expected)
    }

    @Test func refusesNonPositiveDivisors() {
        #expect(throws: RatingError.self) { try Rounding.divideHalfUp(1, by: 0) }
    }
}
