import Node
import SIPCore
import Testing

@Suite struct RoutingDestinationTests {
    @Test(arguments: [
        ("442079460000", "442079460000"),
        ("+442079460000", "442079460000"),
        ("+44-20-7946.0000", "442079460000"),
        ("+44(20)79460000", "442079460000"),
        ("tel:+442079460000", "442079460000"),
        ("442079460000;npdi;rn=123", "442079460000"),
    ])
    func digitsAreExtracted(text: String, digits: String) {
        #expect(RoutingDestination.digits(from: text) == digits)
    }

    @Test(arguments: ["", "+", "service", "44 20", "++44", "44%20", "tel:", "-", String(repeating: "1", count: 33)])
    func nonNumbersHaveNoDestination(text: String) {
        #expect(RoutingDestination.digits(from: text) == nil)
    }

    @Test func requestURIsOfEverySchemeWork() throws {
        #expect(RoutingDestination.digits(of: try SIPURI(parsing: "sip:+442079460000@10.0.0.1:5060;user=phone")) == "442079460000")
        #expect(RoutingDestination.digits(of: try SIPURI(parsing: "sips:442079460000;isub=1@example.com")) == "442079460000")
        #expect(RoutingDestination.digits(of: try SIPURI(parsing: "tel:+44-20-7946-0000;phone-context=example.com")) == "442079460000")
        #expect(RoutingDestination.digits(of: try SIPURI(parsing: "sip:example.com")) == nil)
        #expect(RoutingDestination.digits(of: try SIPURI(parsing: "sip:alice@example.com")) == nil)
    }
}
