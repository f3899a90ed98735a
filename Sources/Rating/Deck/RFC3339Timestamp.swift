/// Parses and writes RFC 3339 UTC time stamps as microseconds since the epoch, without Foundation.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|+00:00)`, `T` and `Z` in either case, years 1970-9999.
/// Other offsets are refused: decks are written in UTC. A leap second (`:60`) is refused.
public enum RFC3339Timestamp {
    /// The instant `text` names, in UTC microseconds.
    public static func parseMicros(_ text: some StringProtocol) throws(RatingError) -> Int64 {
        let b = Array(text.utf8)
        func fail(_ why: String) -> RatingError {
            RatingError(.invalidTimestamp, reason: "\"\(text.prefix(40))\" is not an RFC 3339 UTC time: \(why)")
        }
        func number(_ start: Int, _ count: Int) throws(RatingError) -> Int64 {
            guard start + count <= b.count else {
                throw fail("too short")
            }
            var value: Int64 = 0
            for i in start..<(start + count) {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else {
                    throw fail("expected a digit at offset \(i)")
                }
                value = value * 10 + Int64(b[i] - UInt8(ascii: "0"))
            }
            return value
        }
        func expect(_ index: Int, _ allowed: String) throws(RatingError) {
            guard index < b.count, allowed.utf8.contains(b[index]) else {
                throw fail("expected \(allowed) at offset \(index)")
            }
        }
        let year = try number(0, 4)
        try expect(4, "-")
        let month = try number(5, 2)
        try expect(7, "-")
        let day = try number(8, 2)
        try expect(10, "Tt")
        let hour = try number(11, 2)
        try expect(13, ":")
        let minute = try number(14, 2)
        try expect(16, ":")
        let second = try number(17, 2)
        var index = 19
        var fractionMicros: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
                guard digits < 6 else {
                    throw fail("more than six fraction digits")
                }
                fractionMicros = fractionMicros * 10 + Int64(b[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            guard digits > 0 else {
                throw fail("expected a digit after the decimal point")
            }
            for _ in digits..<6 {
                fractionMicros *= 10
            }
        }
        let rest = b[index...]
        guard rest.elementsEqual("Z".utf8) || rest.elementsEqual("z".utf8) || rest.elementsEqual("+00:00".utf8) else {
            throw fail("the offset must be Z or +00:00 (UTC)")
        }
        guard (1970...9999).contains(year), (1...12).contains(month),
            (1...daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else {
            throw fail("a field is out of range")
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return seconds * 1_000_000 + fractionMicros
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` for a non-negative instant (fraction only when not zero).
    public static func format(micros: Int64) -> String {
        let clamped = max(micros, 0)
        let seconds = clamped / 1_000_000
        let fraction = clamped % 1_000_000
        let (year, month, day) = civilFromDays(seconds / 86_400)
        let secondOfDay = seconds % 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "Z"
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
