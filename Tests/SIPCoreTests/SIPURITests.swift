import Testing
@testable import SIPCore

@Suite("SIPURI")
struct SIPURITests {
    @Test func plainSIP() throws {
        let uri = try SIPURI(parsing: "sip:alice@atlanta.example.com")
        #expect(uri.scheme == .sip)
        #expect(uri.user == "alice")
        #expect(uri.password == nil)
        #expect(uri.host == "atlanta.example.com")
        #expect(uri.port == nil)
        #expect(uri.parameters.isEmpty)
        #expect(uri.headers == nil)
        #expect(uri.hostPort == "atlanta.example.com")
        #expect(uri.description == "sip:alice@atlanta.example.com")
    }

    @Test func hostOnlyWithPortAndParameters() throws {
        let uri = try SIPURI(parsing: "sip:192.0.2.4:5080;transport=tcp;lr")
        #expect(uri.user == nil)
        #expect(uri.host == "192.0.2.4")
        #expect(uri.port == 5080)
        #expect(uri.hostPort == "192.0.2.4:5080")
        #expect(uri.parameters["transport"] == .some("tcp"))
        #expect(uri.parameters["lr"] == .some(nil))
    }

    @Test func sipsAndSchemeCaseInsensitive() throws {
        let uri = try SIPURI(parsing: "SIPS:bob@Biloxi.Example.com:5061")
        #expect(uri.scheme == .sips)
        #expect(uri.host == "Biloxi.Example.com")
        #expect(uri.port == 5061)
        #expect(uri.description == "sips:bob@Biloxi.Example.com:5061")
    }

    @Test func ipv6References() throws {
        let loopback = try SIPURI(parsing: "sip:[::1]:5060")
        #expect(loopback.host == "[::1]")
        #expect(loopback.port == 5060)
        #expect(loopback.description == "sip:[::1]:5060")

        let full = try SIPURI(parsing: "sip:alice@[2001:db8:0:0:0:0:0:1];transport=udp")
        #expect(full.host == "[2001:db8:0:0:0:0:0:1]")
        #expect(full.port == nil)
        #expect(full.parameters["transport"] == .some("udp"))

        for bad in ["sip:[::1", "sip:[::1]x", "sip:[::1]:", "sip:[::1]:99999", "sip:alice@"] {
            #expect(throws: SIPParseError.self, "\(bad)") { try SIPURI(parsing: bad) }
        }
    }

    @Test func userWithSemicolonParameters() throws {
        let uri = try SIPURI(parsing: "sip:+14155550100;npdi;rn=+14155559999@gw.example;user=phone")
        #expect(uri.user == "+14155550100;npdi;rn=+14155559999")
        #expect(uri.host == "gw.example")
        #expect(Array(uri.parameters).map(\.name) == ["user"])
        #expect(uri.parameters["user"] == .some("phone"))
        #expect(uri.description == "sip:+14155550100;npdi;rn=+14155559999@gw.example;user=phone")
    }

    @Test func password() throws {
        let uri = try SIPURI(parsing: "sip:alice:secretword@atlanta.example.com;transport=tcp")
        #expect(uri.user == "alice")
        #expect(uri.password == "secretword")
        #expect(uri.host == "atlanta.example.com")
        #expect(uri.description == "sip:alice:secretword@atlanta.example.com;transport=tcp")
        let empty = try SIPURI(parsing: "sip:alice:@h")
        #expect(empty.password == "")
        #expect(empty.description == "sip:alice:@h")
    }

    @Test func uriHeaders() throws {
        let uri = try SIPURI(parsing: "sip:atlanta.example.com;method=REGISTER?to=alice%40atlanta.com&priority=urgent")
        #expect(uri.headers == "to=alice%40atlanta.com&priority=urgent")
        #expect(uri.parameters["method"] == .some("REGISTER"))
        #expect(uri.host == "atlanta.example.com")
        #expect(uri.description == "sip:atlanta.example.com;method=REGISTER?to=alice%40atlanta.com&priority=urgent")
    }

    @Test func escapedCharactersKeptAsWritten() throws {
        let uri = try SIPURI(parsing: "sip:sip%3Auser%40example.com@example.net;x=%20y")
        #expect(uri.user == "sip%3Auser%40example.com")
        #expect(uri.host == "example.net")
        #expect(uri.parameters["x"] == .some("%20y"))
    }

    @Test func telURIs() throws {
        let global = try SIPURI(parsing: "tel:+1-201-555-0123")
        #expect(global.scheme == .tel)
        #expect(global.user == "+1-201-555-0123")
        #expect(global.host == "")
        #expect(global.description == "tel:+1-201-555-0123")

        let local = try SIPURI(parsing: "tel:7042;phone-context=example.com;ext=22")
        #expect(local.user == "7042")
        #expect(local.parameters["phone-context"] == .some("example.com"))
        #expect(local.parameters["ext"] == .some("22"))
        #expect(local.description == "tel:7042;phone-context=example.com;ext=22")

        let prefix = try SIPURI(parsing: "tel:863-1234;phone-context=+1-914-555")
        #expect(prefix.parameters["phone-context"] == .some("+1-914-555"))

        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "tel:;phone-context=x") }
    }

    @Test func schemeErrors() {
        func code(_ text: String) -> SIPParseError.Code? {
            do { _ = try SIPURI(parsing: text); return nil } catch { return error.code }
        }
        #expect(code("http://example.com") == .unsupportedURIScheme)
        #expect(code("mailto:a@b") == .unsupportedURIScheme)
        #expect(code("urn:service:sos") == .unsupportedURIScheme)
        #expect(code("no-scheme-here") == .invalidURI)
        #expect(code(":nothing") == .invalidURI)
        #expect(code("s%p:x") == .invalidURI)
        #expect(code("sip:") == .invalidURI)
        #expect(code("sip:@host") == .invalidURI)
        #expect(code("sip:a b@host") == .invalidURI)
        #expect(code("sip:a@ho<st") == .invalidURI)
        #expect(code("sip:a@host:port") == .invalidURI)
        #expect(code("sip:a@host:+5060") == .invalidURI)
        #expect(code("sip:a@ho$t") == .invalidURI)
        // SP followed by a combining mark is one Character but still whitespace on the wire.
        #expect(code("sip:a \u{301}b@host") == .invalidURI)
    }

    @Test func programmaticConstruction() {
        var uri = SIPURI(scheme: .sips, user: "bob", host: "[2001:db8::2]", port: 5061)
        uri.parameters.set("transport", "tls")
        uri.parameters.set("lr", nil)
        uri.parameters.set("TRANSPORT", "tcp")
        #expect(uri.description == "sips:bob@[2001:db8::2]:5061;transport=tcp;lr")
        uri.parameters.remove("Transport")
        #expect(uri.description == "sips:bob@[2001:db8::2]:5061;lr")
    }

    @Test func nameAddressSerialization() throws {
        var plain = try SIPNameAddress(parsing: "sip:bob@example.net")
        #expect(plain.angleBrackets == false)
        #expect(plain.description == "sip:bob@example.net")
        plain.tag = "t1"
        #expect(plain.description == "<sip:bob@example.net>;tag=t1")
        plain.tag = nil
        #expect(plain.parameters.isEmpty)

        let display = try SIPNameAddress(parsing: #"  "A \"B\"" <sip:c@d>;tag=x  "#)
        #expect(display.description == #""A \"B\"" <sip:c@d>;tag=x"#)

        // A URI with headers must be bracketed when written.
        var withHeaders = SIPNameAddress(uri: try SIPURI(parsing: "sip:c@d?subject=hi"))
        withHeaders.angleBrackets = false
        #expect(withHeaders.description == "<sip:c@d?subject=hi>")

        #expect(throws: SIPParseError.self) { try SIPNameAddress(parsing: "<sip:c@d") }
        #expect(throws: SIPParseError.self) { try SIPNameAddress(parsing: #""unterminated <sip:c@d>"#) }
        #expect(throws: SIPParseError.self) { try SIPNameAddress(parsing: "") }
    }
}
