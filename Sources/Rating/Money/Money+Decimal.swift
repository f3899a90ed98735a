extension Money {
    /// Parses an exact decimal such as `0.0123`, `-1.5` or `12` into micro-units of `currency`.
    ///
    /// Grammar: `-?[0-9]+(\.[0-9]+)?`; no exponent, sign `+`, spaces or separators. Digits after the
    /// sixth fraction digit must be zeros: an amount finer than a micro-unit is refused, never rounded.
    public static func parse(_ text: some StringProtocol, currency: CurrencyCode) throws(RatingError) -> Money {
        Money(micros: try DecimalMicros.parse(text), currency: currency)
    }

    /// The amount as a decimal string with exactly six fraction digits: `0.012300`, `-1.500000`.
    ///
    /// This is how amounts are serialized into records: re-parsing it gives the same micro-units.
    public var decimalString: String { DecimalMicros.format(micros) }
}

/// Exact conversion between decimal text and integer micro-units.
enum DecimalMicros {
    static func parse(_ text: some StringProtocol) throws(RatingError) -> Int64 {
        let bytes = Array(text.utf8)
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var units: Int64 = 0
        var integerDigits = 0
        while index < bytes.count, let digit = digitValue(bytes[index]) {
            units = try accumulate(units, digit, text: text)
            integerDigits += 1
            index += 1
        }
        guard integerDigits > 0 else {
            throw invalid(text, "expected a digit before any decimal point")
        }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                if fractionDigits < 6 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else if digit != 0 {
                    throw invalid(text, "more precise than one micro-unit (six fraction digits)")
                }
                index += 1
            }
            guard index > start else {
                throw invalid(text, "expected a digit after the decimal point")
            }
        }
        guard index == bytes.count else {
            throw invalid(text, "unexpected character")
        }
        for _ in fractionDigits..<6 {
            fraction *= 10
        }
        let (scaled, overflowScale) = units.multipliedReportingOverflow(by: Money.microsPerUnit)
        let (magnitude, overflowAdd) = scaled.addingReportingOverflow(fraction)
        guard !overflowScale, !overflowAdd else {
            throw RatingError(.overflow, reason: "the amount does not fit in 64-bit micro-units")
        }
        return negative ? -magnitude : magnitude
    }

    static func format(_ micros: Int64) -> String {
        // The magnitude as UInt64 so that Int64.min formats too.
        let magnitude = micros.magnitude
        var units = magnitude / UInt64(Money.microsPerUnit)
        var fraction = magnitude % UInt64(Money.microsPerUnit)
        // Digits written backwards into a stack buffer and made a `String` once (a CDR formats a dozen amounts on the
        // event loop; the text pieces joined before cost several strings each). Longest: "-" + 13 digits + "." + 6.
        let capacity = 32
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var start = capacity
            for _ in 0..<6 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            start -= 1
            buffer[start] = UInt8(ascii: ".")
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
            } while units > 0
            if micros < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<capacity]), as: UTF8.self)
        }
    }

    private static func digitValue(_ byte: UInt8) -> Int64? {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            return nil
        }
        return Int64(byte - UInt8(ascii: "0"))
    }

    private static func accumulate(_ value: Int64, _ digit: Int64, text: some StringProtocol) throws(RatingError) -> Int64 {
        let (times10, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflowAdd) = times10.addingReportingOverflow(digit)
        guard !overflowMultiply, !overflowAdd else {
            throw RatingError(.overflow, reason: "the amount does not fit in 64-bit micro-units")
        }
        return sum
    }

    private static func invalid(_ text: some StringProtocol, _ why: String) -> RatingError {
        RatingError(.invalidAmount, reason: "\"\(text.prefix(40))\" is not an exact decimal amount: \(why)")
    }
}
