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

    /// Property: the stack-buffer extraction equals the array-based one it replaced, on seeded random texts of
    /// digits, separators, `+`, `;`, `tel:` in any case, letters, spaces and non-ASCII, up to 40 characters.
    @Test func digitsEqualTheArrayBasedReference() {
        let pieces = ["0", "1", "4", "9", "-", ".", "(", ")", "+", ";", "a", " ", "\u{FC}", "\u{301}", "tEl:", "tel:", "TEL:"]
        var state: UInt64 = 0x7E1
        for _ in 0..<5_000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58) % 40
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Digits four times as often as the rest, so long numbers (past 32 digits) occur.
                let pick = Int(state >> 40) % (pieces.count + 12)
                text += pick < pieces.count ? pieces[pick] : String(pick % 10)
            }
            #expect(RoutingDestination.digits(from: text) == Self.reference(text), "\(text)")
        }
    }

    // The extraction as it was (a digits array per call).
    static func reference(_ text: String) -> String? {
        var rest = Substring(text)
        if rest.utf8.count >= 4, rest.prefix(4).lowercased() == "tel:" {
            rest = rest.dropFirst(4)
        }
        if let semicolon = rest.firstIndex(of: ";") {
            rest = rest[..<semicolon]
        }
        if rest.first == "+" {
            rest = rest.dropFirst()
        }
        var digits: [UInt8] = []
        for byte in rest.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                return nil
            }
            guard digits.count <= RoutingDestination.maxDigits else {
                return nil
            }
        }
        return digits.isEmpty ? nil : String(decoding: digits, as: UTF8.self)
    }
}
