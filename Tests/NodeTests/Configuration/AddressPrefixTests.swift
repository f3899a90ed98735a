import Node
import Testing

@Suite struct AddressPrefixTests {
    @Test func ipv4HostMatchesOnlyItself() throws {
        let prefix = try AddressPrefix(parsing: "127.0.0.1")
        #expect(prefix.prefixLength == 32)
        #expect(prefix.family == .ipv4)
        #expect(prefix.contains("127.0.0.1"))
        #expect(!prefix.contains("127.0.0.2"))
        #expect(!prefix.contains("::1"))
    }

    @Test func ipv4Slash32() throws {
        let prefix = try AddressPrefix(parsing: "192.0.2.7/32")
        #expect(prefix.contains("192.0.2.7"))
        #expect(!prefix.contains("192.0.2.6"))
        #expect(prefix.description == "192.0.2.7/32")
    }

    @Test func ipv4Slash8() throws {
        let prefix = try AddressPrefix(parsing: "10.0.0.0/8")
        #expect(prefix.contains("10.0.0.1"))
        #expect(prefix.contains("10.255.255.255"))
        #expect(!prefix.contains("11.0.0.0"))
        #expect(!prefix.contains("9.255.255.255"))
    }

    @Test func ipv4NonOctetBoundary() throws {
        let prefix = try AddressPrefix(parsing: "192.0.2.64/27")
        #expect(prefix.contains("192.0.2.64"))
        #expect(prefix.contains("192.0.2.95"))
        #expect(!prefix.contains("192.0.2.96"))
        #expect(!prefix.contains("192.0.2.63"))
    }

    @Test func ipv4SlashZeroMatchesEveryIPv4ButNoIPv6() throws {
        let prefix = try AddressPrefix(parsing: "0.0.0.0/0")
        #expect(prefix.contains("1.2.3.4"))
        #expect(prefix.contains("255.255.255.255"))
        #expect(!prefix.contains("2001:db8::1"))
    }

    @Test func ipv6SlashZeroMatchesEveryIPv6() throws {
        let prefix = try AddressPrefix(parsing: "::/0")
        #expect(prefix.contains("::1"))
        #expect(prefix.contains("2001:db8::1"))
        #expect(!prefix.contains("1.2.3.4"))
    }

    @Test func ipv6Loopback() throws {
        let prefix = try AddressPrefix(parsing: "::1")
        #expect(prefix.prefixLength == 128)
        #expect(prefix.family == .ipv6)
        #expect(prefix.contains("::1"))
        #expect(prefix.contains("0:0:0:0:0:0:0:1"))
        #expect(prefix.contains("[::1]"))
        #expect(!prefix.contains("::2"))
        #expect(!prefix.contains("127.0.0.1"))
    }

    @Test func ipv6Slash128() throws {
        let prefix = try AddressPrefix(parsing: "2001:db8::5/128")
        #expect(prefix.contains("2001:db8::5"))
        #expect(!prefix.contains("2001:db8::4"))
    }

    @Test func ipv6Slash32() throws {
        let prefix = try AddressPrefix(parsing: "2001:db8::/32")
        #expect(prefix.contains("2001:db8::1"))
        #expect(prefix.contains("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))
        #expect(!prefix.contains("2001:db9::1"))
        #expect(prefix.description == "2001:db8::/32")
    }

    @Test func ipv4MappedIPv6SourceMatchesIPv4Prefix() throws {
        let prefix = try AddressPrefix(parsing: "127.0.0.0/8")
        #expect(prefix.contains("::ffff:127.0.0.1"))
        #expect(!prefix.contains("::ffff:10.0.0.1"))
    }

    @Test func garbageIsNeverContained() throws {
        let prefix = try AddressPrefix(parsing: "0.0.0.0/0")
        for ip in ["", "localhost", "1.2.3", "1.2.3.4/32", "256.1.1.1", "1.2.3.4\0", " 1.2.3.4"] {
            #expect(!prefix.contains(ip), "\(ip.debugDescription)")
        }
    }

    @Test(arguments: [
        "", "/", "/8", "1.2.3.4/", "1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/08a",
        "1.2.3.4/8/8", "1.2.3", "1.2.3.4.5", "256.0.0.0", "01.2.3.4x", "abc", "::g", "1:2:3:4:5:6:7:8:9",
        "10.0.0.1/8", "2001:db8::1/32", "127.0.0.1\0/32", "127.0.0.1 ", "fe80::1%eth0",
    ])
    func garbageIsRejected(_ text: String) {
        #expect(throws: ConfigurationValueError.self) {
            _ = try AddressPrefix(parsing: text)
        }
    }

    @Test func hostBitsSetSuggestsTheNetwork() {
        do {
            _ = try AddressPrefix(parsing: "10.1.2.3/8")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidAddressPrefix)
            #expect(error.reason.contains("\"10.0.0.0/8\""))
        }
    }

    @Test func octetInitialiserMasksHostBits() throws {
        #expect(AddressPrefix(ipv4: 10, 1, 2, 3, prefixLength: 8) == (try AddressPrefix(parsing: "10.0.0.0/8")))
        #expect(AddressPrefix(ipv4: 127, 0, 0, 1) == (try AddressPrefix(parsing: "127.0.0.1/32")))
    }
}
