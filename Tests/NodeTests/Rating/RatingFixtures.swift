import Foundation
import Node
import Rating

// Configurations over the decks in examples/rates (the ones examples/loopback.toml and
// examples/parallel.toml name), built in code: NodeTests cannot use the TOML loader.
enum RatingFixtures {
    static let rates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Rating
        .deletingLastPathComponent()  // NodeTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("examples/rates")

    static func deck(_ name: String) -> String {
        rates.appendingPathComponent(name).path
    }

    /// 2024-06-01T00:00:00Z, inside every example deck's period.
    static let june2024: Int64 = 1_717_200_000_000_000

    static let eur: CurrencyCode = {
        do { return try CurrencyCode("EUR") } catch { preconditionFailure("EUR is a currency code") }
    }()

    static func money(_ text: String) throws -> Money {
        try Money.parse(text, currency: eur)
    }

    static func provider(
        _ id: String, port: Int, priority: Int, deck: String?, messageDeck: String? = nil,
        maxConcurrent: Int? = nil, callsPerSecond: Int? = nil
    ) -> ProviderTrunk {
        ProviderTrunk(
            id: id, host: "127.0.0.1", port: port, priority: priority,
            rateDeck: deck.map(Self.deck), messageRateDeck: messageDeck.map(Self.deck),
            maxConcurrent: maxConcurrent, callsPerSecond: callsPerSecond
        )
    }

    /// examples/loopback.toml's trunks: c1 rated, c2 not; p1 0.0100 and p2 0.0120 (two groups).
    static func loopback(
        p2Deck: String = "p2.csv", p2MessageDeck: String = "p2-msg.csv", rating: RatingSettings = RatingSettings(),
        p1MaxConcurrent: Int? = nil, p1CallsPerSecond: Int? = nil
    ) -> NodeConfiguration {
        var configuration = NodeConfiguration.loopbackDefault
        configuration.customers = [
            CustomerTrunk(
                id: "c1", addresses: [AddressPrefix(ipv4: 127, 0, 0, 1)],
                rateDeck: deck("c1.csv"), messageRateDeck: deck("c1-msg.csv")
            ),
            CustomerTrunk(id: "c2", addresses: [AddressPrefix(ipv4: 10, 0, 0, 0, prefixLength: 8)]),
        ]
        configuration.providers = [
            provider("p1", port: 5080, priority: 1, deck: "p1.csv", messageDeck: "p1-msg.csv",
                     maxConcurrent: p1MaxConcurrent, callsPerSecond: p1CallsPerSecond),
            provider("p2", port: 5081, priority: 2, deck: p2Deck, messageDeck: p2MessageDeck),
        ]
        configuration.rating = rating
        return configuration
    }

    /// examples/parallel.toml's trunks: p2 at 0.0104, within 5 % of p1.
    static func parallel() -> NodeConfiguration {
        loopback(p2Deck: "p2-near.csv", p2MessageDeck: "p2-near-msg.csv")
    }

    static func book(_ configuration: NodeConfiguration) throws -> RatingBook {
        try RatingBook(configuration: configuration, at: june2024)
    }
}

extension RoutingDecision {
    /// The route of `.plan`, else nil.
    var route: RatedRoute? {
        switch self {
        case .plan(let route): route
        case .unrated, .noRate, .noProvider, .failed: nil
        }
    }

    /// The route of `.noProvider`, else nil.
    var refusedRoute: RatedRoute? {
        switch self {
        case .noProvider(let route): route
        case .unrated, .noRate, .plan, .failed: nil
        }
    }

    var isUnrated: Bool {
        switch self {
        case .unrated: true
        case .noRate, .plan, .noProvider, .failed: false
        }
    }

    var isNoRate: Bool {
        switch self {
        case .noRate: true
        case .unrated, .plan, .noProvider, .failed: false
        }
    }
}
