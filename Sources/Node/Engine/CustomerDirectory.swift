import NIOCore

/// Finds the customer trunk a source address belongs to (longest prefix wins, then file order).
///
/// Every new session asks, so the prefixes are held as numbers and the socket address is read as one: no address
/// text is formatted and parsed again per prefix (`NodeConfiguration.customer(for:)` does that, for text input; the
/// two agree, CustomerDirectoryTests compares them).
struct CustomerDirectory {
    private let configuration: NodeConfiguration
    /// Every customer's prefixes, customers in file order.
    private let prefixes: [Prefix]

    init(_ configuration: NodeConfiguration) {
        self.configuration = configuration
        var prefixes: [Prefix] = []
        for (index, customer) in configuration.customers.enumerated() {
            for prefix in customer.addresses {
                prefixes.append(Prefix(customer: index, network: HostAddress(prefix.network), length: prefix.prefixLength))
            }
        }
        self.prefixes = prefixes
    }

    func customer(for address: SocketAddress) -> CustomerTrunk? {
        guard let host = HostAddress(address) else { return nil }
        // An IPv4-mapped IPv6 source (a dual-stack socket) is also matched against IPv4 prefixes, as an address text is.
        let unmapped = host.unmappedIPv4
        var best: (customer: Int, length: Int)?
        for prefix in prefixes {
            let candidate = prefix.network.family == host.family ? host : unmapped
            guard let candidate, prefix.contains(candidate), best.map({ prefix.length > $0.length }) ?? true else { continue }
            best = (prefix.customer, prefix.length)
        }
        return best.map { configuration.customers[$0.customer] }
    }

    private struct Prefix {
        let customer: Int
        let network: HostAddress
        let length: Int

        func contains(_ host: HostAddress) -> Bool {
            let (high, low) = HostAddress.mask(length: length, bits: network.family.bitCount)
            return host.high & high == network.high && host.low & low == network.low
        }
    }
}

/// An IPv4 or IPv6 address as 128 bits (IPv4 in the high word's top 32), big-endian order.
struct HostAddress: Equatable {
    let family: IPAddressFamily
    let high: UInt64
    let low: UInt64

    init(family: IPAddressFamily, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    init(_ address: IPAddress) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in address.bytes.prefix(16).enumerated() {
            if index < 8 {
                high |= UInt64(byte) << (56 - 8 * index)
            } else {
                low |= UInt64(byte) << (56 - 8 * (index - 8))
            }
        }
        self.init(family: address.family, high: high, low: low)
    }

    // Where the address bytes stand in `sockaddr_in` (after the family and the port) and `sockaddr_in6` (after the
    // flow info too): the POSIX layouts, the same on Linux and the BSDs. Read through `withSockAddr` rather than the
    // structs' members, whose C module (NIO's) this target does not import.
    private static let ipv4Offset = 4
    private static let ipv6Offset = 8

    init?(_ address: SocketAddress) {
        let family: IPAddressFamily
        switch address {
        case .v4: family = .ipv4
        case .v6: family = .ipv6
        case .unixDomainSocket: return nil
        }
        let words: (UInt64, UInt64)? = address.withSockAddr { pointer, size in
            let raw = UnsafeRawPointer(pointer)
            switch family {
            case .ipv4:
                guard size >= Self.ipv4Offset + 4 else { return nil }
                return (UInt64(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: Self.ipv4Offset, as: UInt32.self))) << 32, 0)
            case .ipv6:
                guard size >= Self.ipv6Offset + 16 else { return nil }
                return (
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: Self.ipv6Offset, as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: Self.ipv6Offset + 8, as: UInt64.self))
                )
            }
        }
        guard let words else { return nil }
        self.init(family: family, high: words.0, low: words.1)
    }

    /// The embedded IPv4 address of `::ffff:a.b.c.d`, else nil.
    var unmappedIPv4: HostAddress? {
        guard family == .ipv6, high == 0, low >> 32 == 0xFFFF else { return nil }
        return HostAddress(family: .ipv4, high: (low & 0xFFFF_FFFF) << 32, low: 0)
    }

    /// The masks of the first `length` of `bits` bits (IPv4: 32 in the high word).
    static func mask(length: Int, bits: Int) -> (high: UInt64, low: UInt64) {
        let length = Swift.min(Swift.max(length, 0), bits)
        let high: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : ~UInt64(0) << (64 - length))
        let low: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : ~UInt64(0) << (128 - length))
        return (high, low)
    }
}
