import NIOCore

/// Finds the customer trunk a source address belongs to (longest prefix wins, then file order).
struct CustomerDirectory {
    private let configuration: NodeConfiguration

    init(_ configuration: NodeConfiguration) {
        self.configuration = configuration
    }

    func customer(for address: SocketAddress) -> CustomerTrunk? {
        guard let ip = address.ipAddress else { return nil }
        return configuration.customer(for: ip)
    }
}
