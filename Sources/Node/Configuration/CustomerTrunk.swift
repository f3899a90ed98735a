/// An originating carrier, recognised by the source address of its requests.
public struct CustomerTrunk: Sendable, Hashable {
    /// Identifier written into records.
    public var id: String
    /// Source prefixes that belong to this customer.
    public var addresses: [AddressPrefix]
    /// Per-minute rate deck priced to this customer for voice and video (`rate_deck`); nil: calls are not rated.
    public var rateDeck: String?
    /// Per-message rate deck priced to this customer for MESSAGE (`message_rate_deck`); nil: messages are not rated.
    public var messageRateDeck: String?

    /// Creates a customer trunk; deck paths are used as given (the loader resolves them against the configuration's folder).
    public init(id: String, addresses: [AddressPrefix], rateDeck: String? = nil, messageRateDeck: String? = nil) {
        self.id = id
        self.addresses = addresses
        self.rateDeck = rateDeck
        self.messageRateDeck = messageRateDeck
    }

    /// Whether a request from `ip` comes from this customer.
    public func matches(_ ip: String) -> Bool {
        self.addresses.contains { $0.contains(ip) }
    }

    /// Length of the longest of this customer's prefixes that contains `ip`, or nil.
    public func longestMatch(_ ip: String) -> Int? {
        self.addresses.filter { $0.contains(ip) }.map(\.prefixLength).max()
    }
}
