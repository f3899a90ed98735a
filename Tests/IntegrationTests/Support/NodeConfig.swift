/// The parts of a node's TOML configuration the integration tests vary.
struct NodeConfig {
    struct Provider {
        var id: String
        var port: Int
        var transport: String = "udp"
        var priority: Int
        /// `rate_deck` / `message_rate_deck`: per-minute and per-message deck files; nil leaves the key out.
        var rateDeck: String? = nil
        var messageRateDeck: String? = nil
    }

    /// `[rating]` keys (docs/rating.md); a nil value leaves the key out (the node's default).
    struct Rating {
        /// `min_spread`, a decimal string such as `"0.003000"`.
        var minSpread: String? = nil
        var maxBidRounds: Int? = nil
        var toleranceBasisPoints: Int? = nil
        var maxGroupSize: Int? = nil
    }

    var nodeID = "it1"
    /// The node's SIP port, used for both its UDP and its TCP listener.
    var sipPort: Int
    var customerAddresses = ["127.0.0.1/32"]
    var providers: [Provider]
    /// Further sections written as they are (e.g. `[streams.cdr]` and `[nats]`).
    var extraTOML: String? = nil
    /// `[ledger] checkpoint_interval_s`; nil leaves the section out (the node's default).
    var checkpointIntervalSeconds: Int? = nil
    /// Customer `c1`'s `rate_deck` / `message_rate_deck`; nil leaves the key out (an unrated customer).
    var customerRateDeck: String? = nil
    var customerMessageRateDeck: String? = nil
    /// `[rating]`; nil leaves the section out.
    var rating: Rating? = nil

    func toml(dataDirectory: String) -> String {
        var text = """
            [node]
            id = "\(nodeID)"
            listen = ["udp:127.0.0.1:\(sipPort)", "tcp:127.0.0.1:\(sipPort)"]
            data_dir = "\(dataDirectory)"

            [[customers]]
            id = "c1"
            addresses = [\(customerAddresses.map { "\"\($0)\"" }.joined(separator: ", "))]

            """
        text += Self.deckLines(rateDeck: customerRateDeck, messageRateDeck: customerMessageRateDeck)
        for provider in providers {
            text += """

                [[providers]]
                id = "\(provider.id)"
                address = "127.0.0.1:\(provider.port)"
                transport = "\(provider.transport)"
                priority = \(provider.priority)

                """
            text += Self.deckLines(rateDeck: provider.rateDeck, messageRateDeck: provider.messageRateDeck)
        }
        if let checkpointIntervalSeconds {
            text += """

                [ledger]
                checkpoint_interval_s = \(checkpointIntervalSeconds)

                """
        }
        if let extraTOML {
            text += "\n" + extraTOML + "\n"
        }
        if let rating {
            text += "\n[rating]\n"
            if let minSpread = rating.minSpread { text += "min_spread = \"\(minSpread)\"\n" }
            if let rounds = rating.maxBidRounds { text += "max_bid_rounds = \(rounds)\n" }
            if let tolerance = rating.toleranceBasisPoints { text += "tolerance_bp = \(tolerance)\n" }
            if let size = rating.maxGroupSize { text += "max_group_size = \(size)\n" }
        }
        return text
    }

    /// The deck keys of a `[[customers]]` or `[[providers]]` table, appended right after its other keys.
    private static func deckLines(rateDeck: String?, messageRateDeck: String?) -> String {
        var lines = ""
        if let rateDeck { lines += "rate_deck = \"\(rateDeck)\"\n" }
        if let messageRateDeck { lines += "message_rate_deck = \"\(messageRateDeck)\"\n" }
        return lines
    }
}
