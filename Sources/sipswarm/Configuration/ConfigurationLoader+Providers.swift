import Node

// `[[providers]]`: terminating carriers, tried by ascending priority.
extension ConfigurationLoader {
    static let providerKeys = [
        "id", "address", "transport", "priority", "rate_deck", "message_rate_deck", "max_concurrent", "calls_per_second",
    ]

    static func decodeProviders(
        _ readers: [TOMLTableReader]?,
        root: TOMLTableReader
    ) throws(ConfigurationError) -> [ProviderTrunk] {
        guard let readers else {
            throw root.missing("providers", expected: "array of tables [[providers]]")
        }
        guard !readers.isEmpty else {
            throw root.error(.invalidValue, at: root.keyPath("providers"), "must define at least one provider")
        }
        var providers: [ProviderTrunk] = []
        for var reader in readers {
            let id = try reader.requiredString("id")
            try Self.validateIdentifier(id, at: reader.keyPath("id"), reader: reader)
            if providers.contains(where: { $0.id == id }) {
                throw reader.error(.duplicateID, at: reader.keyPath("id"), "provider id \(quoted(id)) is already used")
            }
            let addressText = try reader.requiredString("address")
            let address: HostAndPort
            do {
                address = try HostAndPort(parsing: addressText)
            } catch {
                throw reader.error(.invalidValue, at: reader.keyPath("address"), error.reason)
            }
            var transport = SIPTransportKind.udp
            if let transportText = try reader.string("transport") {
                do {
                    transport = try SIPTransportKind(parsing: transportText)
                } catch {
                    throw reader.error(.invalidValue, at: reader.keyPath("transport"), error.reason)
                }
            }
            let priority = try reader.int("priority", default: 1, in: 0...1_000_000, unit: "")
            let rateDeck = try Self.deckPath("rate_deck", reader: &reader)
            let messageRateDeck = try Self.deckPath("message_rate_deck", reader: &reader)
            let maxConcurrent = try Self.optionalInt("max_concurrent", in: 1...1_000_000, unit: "sessions", reader: &reader)
            let callsPerSecond = try Self.optionalInt("calls_per_second", in: 1...100_000, unit: "calls per second", reader: &reader)
            try reader.finish()
            providers.append(
                ProviderTrunk(
                    id: id, host: address.host, port: address.port, transport: transport, priority: priority,
                    rateDeck: rateDeck, messageRateDeck: messageRateDeck, maxConcurrent: maxConcurrent, callsPerSecond: callsPerSecond
                )
            )
        }
        return providers
    }
}

extension ConfigurationLoader {
    // An integer in `range`, or nil when absent: for limits whose absence means "no limit".
    static func optionalInt(
        _ key: String, in range: ClosedRange<Int>, unit: String, reader: inout TOMLTableReader
    ) throws(ConfigurationError) -> Int? {
        guard try reader.int(key) != nil else { return nil }
        return try reader.int(key, default: range.lowerBound, in: range, unit: unit)
    }
}
