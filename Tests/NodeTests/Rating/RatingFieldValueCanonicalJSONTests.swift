import Node
import Rating
import Records
import Testing

@Suite struct RatingFieldValueCanonicalJSONTests {
    @Test func everyCaseMapsToItsCanonicalTwin() {
        let value: RatingFieldValue = .object([
            "s": .string("0.016500"),
            "i": .integer(-7),
            "a": .array([.integer(1), .string("x"), .array([]), .object([:])]),
            "o": .object(["nested": .object(["deep": .integer(Int64.max)])]),
        ])
        let expected: CanonicalJSON = .object([
            "s": .string("0.016500"),
            "i": .integer(-7),
            "a": .array([.integer(1), .string("x"), .array([]), .object([:])]),
            "o": .object(["nested": .object(["deep": .integer(Int64.max)])]),
        ])
        #expect(CanonicalJSON(value) == expected)
        #expect(CanonicalJSON.fields(["k": .integer(1)]) == ["k": .integer(1)])
    }
}
