@testable import Rating

/// Small helpers to write decks in tests as CSV text.
enum DeckFixtures {
    static let header = RateDeckColumn.canonicalHeader

    /// One CSV row in the canonical column order.
    static func row(
        _ prefix: String, rate: String = "0.0100", currency: String = "EUR", unit: String = "per-min",
        increments: (String, String) = ("60", "60"), fee: String = "0", minimum: String = "0",
        from: String = "2024-01-01T00:00:00Z", until: String = ""
    ) -> String {
        [prefix, rate, currency, unit, increments.0, increments.1, fee, minimum, from, until].joined(separator: ",")
    }

    static func deck(_ rows: [String], name: String = "deck.csv") throws(RateDeckError) -> RateDeck {
        try RateDeckLoader.load(csv: ([header] + rows).joined(separator: "\n") + "\n", name: name)
    }

    static func error(_ rows: [String], header: String = header) -> RateDeckError? {
        do {
            _ = try RateDeckLoader.load(csv: ([header] + rows).joined(separator: "\n") + "\n", name: "bad.csv")
            return nil
        } catch {
            return error
        }
    }

    /// 2024-06-01T00:00:00Z in µs.
    static let june2024: Int64 = 1_717_200_000_000_000

    static let eur: CurrencyCode = {
        do {
            return try CurrencyCode("EUR")
        } catch {
            fatalError("EUR is a valid code")
        }
    }()

    static func eur(_ text: String) throws -> Money {
        try Money.parse(text, currency: eur)
    }
}
