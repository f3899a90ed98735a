import Node

// `[[customers]]`: originating carriers recognised by source address.
extension ConfigurationLoader {
    static let customerKeys = ["id", "addresses", "rate_deck", "message_rate_deck"]

    static func decodeCustomers(
        _ readers: [TOMLTableReader]?,
        root: TOMLTableReader
    ) throws(ConfigurationError) -> [CustomerTrunk] {
        guard let readers else {
            throw root.missing("customers", expected: "array of tables [[customers]]")
        }
        guard !readers.isEmpty else {
            throw root.error(.invalidValue, at: root.keyPath("customers"), "must define at least one customer")
        }
        var customers: [CustomerTrunk] = []
        // Who claimed each prefix first: the same prefix on two customers makes the source ambiguous.
        var owners: [AddressPrefix: String] = [:]
        for var reader in readers {
            let id = try reader.requiredString("id")
            try Self.validateIdentifier(id, at: reader.keyPath("id"), reader: reader)
            if customers.contains(where: { $0.id == id }) {
                throw reader.error(.duplicateID, at: reader.keyPath("id"), "customer id \(quoted(id)) is already used")
            }
            guard let entries = try reader.stringArray("addresses") else {
                throw reader.missing("addresses", expected: "array of IP addresses or CIDR prefixes")
            }
            guard !entries.isEmpty else {
                throw reader.error(.invalidValue, at: reader.keyPath("addresses"), "must list at least one address")
            }
            var prefixes: [AddressPrefix] = []
            for entry in entries {
                let prefix: AddressPrefix
                do {
                    prefix = try AddressPrefix(parsing: entry.value)
                } catch {
                    throw reader.error(.invalidValue, at: entry.keyPath, error.reason)
                }
                if let owner = owners[prefix] {
                    throw reader.error(.duplicateID, at: entry.keyPath, "prefix \(prefix) is already assigned to customer \(quoted(owner))")
                }
                owners[prefix] = id
                prefixes.append(prefix)
            }
            let rateDeck = try Self.deckPath("rate_deck", reader: &reader)
            let messageRateDeck = try Self.deckPath("message_rate_deck", reader: &reader)
            try reader.finish()
            customers.append(CustomerTrunk(id: id, addresses: prefixes, rateDeck: rateDeck, messageRateDeck: messageRateDeck))
        }
        return customers
    }
}
