import Node
import Testing

@Suite struct ListenAddressTests {
    @Test func parsesUDPAndTCP() throws {
        #expect(try ListenAddress(parsing: "udp:127.0.0.1:5060") == ListenAddress(transport: .udp, host: "127.0.0.1", port: 5060))
        #expect(try ListenAddress(parsing: "tcp:0.0.0.0:5061") == ListenAddress(transport: .tcp, host: "0.0.0.0", port: 5061))
    }

    @Test func parsesBracketedIPv6AndStoresTheBareHost() throws {
        let address = try ListenAddress(parsing: "udp:[::1]:5060")
        #expect(address.host == "::1")
        #expect(address.port == 5060)
        #expect(address.description == "udp:[::1]:5060")
    }

    @Test func parsesHostName() throws {
        #expect(try ListenAddress(parsing: "tcp:localhost:65535").host == "localhost")
    }

    @Test(arguments: [
        ("udp:127.0.0.1:0", ConfigurationValueError.Code.invalidPort),
        ("udp:127.0.0.1:65536", .invalidPort),
        ("udp:127.0.0.1:-1", .invalidPort),
        ("udp:127.0.0.1:+5060", .invalidPort),
        ("udp:127.0.0.1:", .invalidPort),
        ("udp:127.0.0.1:50a", .invalidPort),
        ("udp:127.0.0.1", .invalidHostPort),
        ("udp::5060", .invalidHostPort),
        ("udp:::1:5060", .invalidHostPort),
        ("udp:[::1:5060", .invalidHostPort),
        ("udp:[127.0.0.1]:5060", .invalidHostPort),
        ("udp:[::1]5060", .invalidHostPort),
        ("udp:bad host:5060", .invalidHostPort),
        ("sctp:127.0.0.1:5060", .unknownTransport),
        ("UDP:127.0.0.1:5060", .unknownTransport),
        ("127.0.0.1", .invalidListenAddress),
        ("", .invalidListenAddress),
    ])
    func rejects(_ text: String, _ code: ConfigurationValueError.Code) {
        do {
            _ = try ListenAddress(parsing: text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.code == code, "\(text.debugDescription): \(error.reason)")
        }
    }

    @Test func hostPortErrorNamesTheExpectedForm() {
        do {
            _ = try HostAndPort(parsing: "127.0.0.1")
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "expected \"host:port\", got \"127.0.0.1\"")
        }
    }
}
