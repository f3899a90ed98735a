import Testing

@testable import Rating

/// `Money.decimalString` (digits written into one buffer) against the text it was built from before (the unit
/// count, a point, the fraction padded to six digits, a minus sign when negative), over seeded amounts of every
/// magnitude and the extremes.
@Suite struct DecimalFormatTests {
    private static func reference(_ micros: Int64) -> String {
        let magnitude = micros.magnitude
        let units = magnitude / UInt64(Money.microsPerUnit)
        let fraction = String(magnitude % UInt64(Money.microsPerUnit))
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (micros < 0 ? "-" : "") + "\(units).\(padded)"
    }

    @Test func formatsAsTheUnitsPointAndSixFractionDigits() throws {
        let currency = try CurrencyCode("EUR")
        var state: UInt64 = 0xDEC1
        var amounts: [Int64] = [0, 1, -1, 999_999, 1_000_000, -1_000_000, 10_000, 12_000, .max, .min, .min + 1]
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Every magnitude: shift a random word down by 0...63 bits, either sign.
            let magnitude = Int64(bitPattern: state >> (state % 64)) & .max
            amounts.append(state & 1 == 0 ? magnitude : -magnitude)
        }
        for micros in amounts {
            #expect(Money(micros: micros, currency: currency).decimalString == Self.reference(micros))
        }
        #expect(Money(micros: 10_000, currency: currency).decimalString == "0.010000")
    }
}
