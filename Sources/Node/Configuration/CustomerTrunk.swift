/// An originating carrier, recognised by the source address of its requests.
public struct CustomerTrunk: Sendable, Hashable {
    /// Identifier written into records.
    public var id: String
    /// Source prefixes that belong to this customer.
    public var addresses: [AddressPrefix]

    /// Creates a customer trunk.
    public init(id: String, addresses: [AddressPrefix]) {
        self.id = id
        self.addresses = addresses
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
