import Testing

@testable import Rating

@Suite struct RFC3339TimestampTests {
    static let valid: [(String, Int64)] = [
        ("1970-01-01T00:00:00Z", 0),
        ("2024-01-01T00:00:00Z", 1_704_067_200_000_000),
        ("2024-02-29T12:34:56.789Z", 1_709_210_096_789_000),
        ("2024-06-01t00:00:00.000001z", 1_717_200_000_000_001),
        ("2024-06-01T00:00:00+00:00", 1_717_200_000_000_000),
        ("2000-03-01T00:00:00Z", 951_868_800_000_000),
    ]

    @Test(arguments: valid)
    func parsesUTCInstants(text: String, micros: Int64) throws {
        #expect(try RFC3339Timestamp.parseMicros(text) == micros)
    }

    @Test(arguments: [
        "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z", "1969-12-31T23:59:59Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00+01:00",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567Z", "24-01-01T00:00:00Z", "2024-1-01T00:00:00Z", "",
    ])
    func refusesEverythingElse(text: String) {
        #expect(throws: RatingError.self) { try RFC3339Timestamp.parseMicros(text) }
    }

    @Test func formatsBack() throws {
        for (text, micros) in Self.valid where !text.contains("t") && !text.contains("+") {
            let formatted = RFC3339Timestamp.format(micros: micros)
            #expect(try RFC3339Timestamp.parseMicros(formatted) == micros)
        }
        #expect(RFC3339Timestamp.format(micros: 1_709_210_096_789_000) == "2024-02-29T12:34:56.789000Z")
    }
}
