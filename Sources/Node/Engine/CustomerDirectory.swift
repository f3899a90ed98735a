import Logging
import NIOCore

/// Finds the customer trunk a source address belongs to (first match in config order).
struct CustomerDirectory {
    private let customers: [CustomerTrunk]

    init(_ customers: [CustomerTrunk]) {
        self.customers = customers
    }

    func customer(for address: SocketAddress) -> CustomerTrunk? {
        guard let ip = address.ipAddress else { return nil }
        return customers.first { $0.matches(ip) }
    }
}
