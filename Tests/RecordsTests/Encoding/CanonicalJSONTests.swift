import Records
import Testing

@Suite struct CanonicalJSONTests {
    // RFC 8785 section 3.2.2.2, the string-escaping example.
    @Test func rfc8785StringEscapingExample() {
        let value = "\u{20AC}$\u{000F}\u{000A}A'\u{0042}\u{0022}\u{005C}\\\"/"
        let json = CanonicalJSON.object(["string": .string(value)])
        #expect(json.canonicalString() == #"{"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    // RFC 8785 section 3.2.3, the property-sorting example: UTF-16 order puts the emoji
    // (surrogate 0xD83D) before U+FB33, unlike code-point order.
    @Test func rfc8785KeySortingExample() {
        let json = CanonicalJSON.object([
            "\u{20AC}": .string("Euro Sign"),
            "\r": .string("Carriage Return"),
            "\u{FB33}": .string("Hebrew Letter Dalet With Dagesh"),
            "1": .string("One"),
            "\u{1F600}": .string("Emoji: Grinning Face"),
            "\u{0080}": .string("Control"),
            "\u{00F6}": .string("Latin Small Letter O With Diaeresis"),
        ])
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{0080}\":\"Control\","
            + "\"\u{00F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(json.canonicalString() == expected)
    }

    @Test func everyControlCharacterIsEscapedAsJSONStringifyDoes() {
        var input = ""
        for scalar in 0..<0x20 {
            input.unicodeScalars.append(Unicode.Scalar(UInt8(scalar)))
        }
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(CanonicalJSON.string(input).canonicalString() == expected)
    }

    @Test func deleteLineSeparatorAndSlashStayLiteral() {
        let input = "\u{7F}\u{2028}\u{2029}/<>&"
        #expect(CanonicalJSON.string(input).canonicalBytes() == Array("\"\(input)\"".utf8))
    }

    @Test func integersArePlainDigits() {
        let json = CanonicalJSON.array([
            .integer(0), .integer(-1), .integer(Int64(9_007_199_254_740_991)), .integer(-9_007_199_254_740_991), .integer(200),
        ])
        #expect(json.canonicalString() == "[0,-1,9007199254740991,-9007199254740991,200]")
    }

    @Test func nestedValuesHaveNoWhitespace() {
        let json = CanonicalJSON.object([
            "b": .array([.bool(true), .bool(false), .null, .object([:]), .array([])]),
            "a": .object(["z": .integer(1), "y": .string("")]),
        ])
        #expect(json.canonicalString() == #"{"a":{"y":"","z":1},"b":[true,false,null,{},[]]}"#)
    }

    @Test func nilFieldsAreOmitted() {
        let missing: String? = nil
        let json = CanonicalJSON.object(omittingNil: [
            "present": .string("x"),
            "absent": missing.map(CanonicalJSON.string),
        ])
        #expect(json.canonicalString() == #"{"present":"x"}"#)
    }

    @Test func encodingIsDeterministicAcrossDictionaryOrders() {
        var fields: [String: CanonicalJSON] = [:]
        for index in 0..<200 {
            fields["k\(index)"] = .integer(index)
        }
        let first = CanonicalJSON.object(fields).canonicalBytes()
        let rebuilt = Dictionary(uniqueKeysWithValues: fields.shuffled())
        #expect(CanonicalJSON.object(rebuilt).canonicalBytes() == first)
    }
}
