import NIOCore
import Testing

@testable import Node

/// `CustomerDirectory` (prefixes as numbers, the socket address read as one) picks the customer
/// `NodeConfiguration.customer(for:)` picks from the address text: longest prefix, then file order; IPv4, IPv6 and
/// IPv4-mapped IPv6 sources; overlapping and identical prefixes of several customers, over seeded configurations.
@Suite struct CustomerDirectoryTests {
    private static let v6Prefixes = [
        "::1", "2001:db8::/32", "2001:db8:1::/48", "::ffff:127.0.0.0/104", "::/0", "fe80::/10", "::ffff:10.1.2.3", "2001:db8::/127",
    ]
    private static let v6Sources = [
        "::1", "::2", "2001:db8::1", "2001:db8:1::5", "2001:db8:2::5", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
        "::ffff:10.9.9.9", "3000::1",
    ]

    @Test func picksTheCustomerTheAddressTextPicks() throws {
        var state: UInt64 = 0xC057
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var matched = 0
        for _ in 0..<200 {
            var configuration = NodeConfiguration.loopbackDefault
            configuration.customers = try (0..<(1 + next(4))).map { index in
                let addresses = try (0..<(1 + next(3))).map { _ -> AddressPrefix in
                    if next(3) == 0 {
                        return try AddressPrefix(parsing: Self.v6Prefixes[next(Self.v6Prefixes.count)])
                    }
                    let first: UInt8 = [10, 127, 0][next(3)]
                    return AddressPrefix(ipv4: first, UInt8(next(3)), UInt8(next(3)), UInt8(next(4)), prefixLength: [0, 8, 16, 24, 30, 32][next(6)])
                }
                return CustomerTrunk(id: "c\(index)", addresses: addresses)
            }
            let directory = CustomerDirectory(configuration)
            for _ in 0..<20 {
                let text = next(3) == 0
                    ? Self.v6Sources[next(Self.v6Sources.count)]
                    : "\([10, 127, 192][next(3)]).\(next(3)).\(next(3)).\(next(4))"
                let source = try SocketAddress(ipAddress: text, port: 5_060)
                let expected = configuration.customer(for: try #require(source.ipAddress))
                #expect(directory.customer(for: source)?.id == expected?.id, "\(text) in \(configuration.customers)")
                matched += expected == nil ? 0 : 1
            }
        }
        // Most draws match some customer, many do not: both outcomes are exercised.
        #expect(matched > 1_000 && matched < 3_900)
    }

    @Test func aUnixSocketIsNoCustomer() throws {
        let directory = CustomerDirectory(NodeConfiguration.loopbackDefault)
        #expect(directory.customer(for: try SocketAddress(unixDomainSocketPath: "/tmp/x.sock")) == nil)
    }
}
