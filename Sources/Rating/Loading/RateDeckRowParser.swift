/// Turns one CSV row into a `RateEntry`, refusing the first bad value with its line and column.
///
/// Columns are checked in the documented order (`RateDeckColumn.allCases`), so the error a row
/// gets does not depend on the column order in the file.
struct RateDeckRowParser {
    let deck: String
    let limits: RateDeckLimits
    /// Field index of each column in the file's header order.
    let positions: [RateDeckColumn: Int]
    let fieldCount: Int
    // Decks repeat a few currencies and effective times on every row; each distinct text is parsed once.
    private var currencies: [Substring: CurrencyCode] = [:]
    private var timestamps: [Substring: Int64] = [:]

    init(deck: String, limits: RateDeckLimits, positions: [RateDeckColumn: Int], fieldCount: Int) {
        self.deck = deck
        self.limits = limits
        self.positions = positions
        self.fieldCount = fieldCount
    }

    mutating func parse(_ fields: [String], line: Int) throws(RateDeckError) -> RateEntry {
        guard fields.count == fieldCount else {
            throw RateDeckError(
                .wrongFieldCount, deck: deck, line: line,
                reason: "\(fields.count) fields, the header has \(fieldCount)"
            )
        }
        let prefix = try required(.prefix, fields, line)
        guard prefix.utf8.count <= limits.maxPrefixDigits, PrefixKey(digits: prefix) != nil else {
            throw fail(.invalidPrefix, .prefix, line, "1 to \(limits.maxPrefixDigits) ASCII digits expected")
        }
        let rateMicros = try amount(.rate, fields, line)
        let currencyText = try required(.currency, fields, line)
        let currency: CurrencyCode
        if let known = currencies[currencyText] {
            currency = known
        } else {
            do {
                currency = try CurrencyCode(currencyText)
            } catch {
                throw fail(.invalidCurrency, .currency, line, error.reason)
            }
            currencies[currencyText] = currency
        }
        let unitText = try required(.priceUnit, fields, line)
        guard let unit = PriceUnit(rawValue: String(unitText)) else {
            throw fail(.invalidPriceUnit, .priceUnit, line, "`per-min` or `per-msg` expected")
        }
        // Message rows may leave the time columns empty: they do not apply to a message.
        let timeOptional = unit == .perMessage
        let initial = try seconds(.initialIncrement, fields, line, positive: true, optional: timeOptional) ?? 1
        let next = try seconds(.nextIncrement, fields, line, positive: true, optional: timeOptional) ?? 1
        let feeMicros = try amount(.connectionFee, fields, line)
        let minimum = try seconds(.minimumDuration, fields, line, positive: false, optional: timeOptional) ?? 0
        let from = try timestamp(.effectiveFrom, fields, line)
        let untilText = value(.effectiveUntil, fields)
        let until = untilText.isEmpty ? nil : try timestamp(.effectiveUntil, fields, line)
        let period: EffectivePeriod
        do {
            period = try EffectivePeriod(fromMicros: from, untilMicros: until)
        } catch {
            throw fail(.invalidTimestamp, .effectiveUntil, line, error.reason)
        }
        let increment: BillingIncrement
        do {
            increment = try BillingIncrement(initialSeconds: initial, nextSeconds: next)
        } catch {
            throw fail(.invalidIncrement, .initialIncrement, line, error.reason)
        }
        return RateEntry(
            prefix: String(prefix), rate: Money(micros: rateMicros, currency: currency), unit: unit,
            increment: increment, connectionFee: Money(micros: feeMicros, currency: currency),
            minimumDurationSeconds: minimum, period: period, sourceLine: line
        )
    }

    // MARK: - Fields

    private func value(_ column: RateDeckColumn, _ fields: [String]) -> Substring {
        // Positions come from the validated header and the field count was checked above.
        guard let position = positions[column], position < fields.count else {
            return ""
        }
        let field = fields[position]
        // SwiftCSV already skips leading blanks; trailing blanks are dropped here.
        var end = field.endIndex
        while end > field.startIndex, let last = field[..<end].last, last == " " || last == "\t" {
            end = field.index(before: end)
        }
        return field[..<end]
    }

    private func required(_ column: RateDeckColumn, _ fields: [String], _ line: Int) throws(RateDeckError) -> Substring {
        let text = value(column, fields)
        guard !text.isEmpty else {
            throw fail(.missingValue, column, line, "a value is required")
        }
        return text
    }

    private func amount(_ column: RateDeckColumn, _ fields: [String], _ line: Int) throws(RateDeckError) -> Int64 {
        let text = try required(column, fields, line)
        let micros: Int64
        do {
            micros = try DecimalMicros.parse(text)
        } catch {
            throw fail(.invalidAmount, column, line, error.reason)
        }
        guard micros >= 0 else {
            throw fail(.negativeAmount, column, line, "must not be negative")
        }
        guard micros <= limits.maxAmountMicros else {
            throw fail(.invalidAmount, column, line, "above the cap of \(DecimalMicros.format(limits.maxAmountMicros))")
        }
        return micros
    }

    private func seconds(
        _ column: RateDeckColumn, _ fields: [String], _ line: Int, positive: Bool, optional: Bool
    ) throws(RateDeckError) -> Int64? {
        let text = value(column, fields)
        if text.isEmpty, optional {
            return nil
        }
        let code: RateDeckError.Code = positive ? .invalidIncrement : .invalidDuration
        guard !text.isEmpty else {
            throw fail(.missingValue, column, line, "a value is required")
        }
        guard text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int64(text)
        else {
            throw fail(code, column, line, "a whole number of seconds expected")
        }
        guard number <= limits.maxSeconds else {
            throw fail(code, column, line, "above the cap of \(limits.maxSeconds) s")
        }
        guard !positive || number > 0 else {
            throw fail(code, column, line, "must be at least 1 s")
        }
        return number
    }

    private mutating func timestamp(_ column: RateDeckColumn, _ fields: [String], _ line: Int) throws(RateDeckError) -> Int64 {
        let text = try required(column, fields, line)
        if let known = timestamps[text] {
            return known
        }
        do {
            let micros = try RFC3339Timestamp.parseMicros(text)
            timestamps[text] = micros
            return micros
        } catch {
            throw fail(.invalidTimestamp, column, line, error.reason)
        }
    }

    private func fail(_ code: RateDeckError.Code, _ column: RateDeckColumn, _ line: Int, _ reason: String) -> RateDeckError {
        RateDeckError(code, deck: deck, line: line, column: column.rawValue, reason: reason)
    }
}
