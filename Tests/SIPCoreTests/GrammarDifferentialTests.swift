import Testing
@testable import SIPCore

/// The byte-level grammar (issue 9) against the Character-based one it replaced (kept in
/// Reference/ReferenceGrammar.swift): on ASCII input both must accept the same texts with the same
/// fields and refuse the same texts with the same error code.
@Suite("Grammar: byte parsers agree with the reference")
struct GrammarDifferentialTests {
    static let uriSeeds = [
        "sip:alice@atlanta.example.com", "sip:+442071234567@10.0.0.1:5060;user=phone;transport=udp",
        "sips:bob:secret@[2001:db8::1]:5061;maddr=x?subject=hi&h=v", "tel:+44-20-7123-4567;phone-context=+44",
        "sip:gw.example.net", "sip:a;b@host;lr", "SIP:User@Host.Example:65535;Tag=1", "sip:user@host:99999",
        "sip:@host", "sip:host:", "http://example.com", "sip:x@[::1", "sip:x@[::1]x", "mailto:a@b", "tel:;x",
    ]
    static let nameAddrSeeds = [
        "\"Alice Smith\" <sip:alice@atlanta.example.com>;tag=1928301774", "<sip:bob@biloxi.example.com>",
        "sip:carol@chicago.example.com;tag=x;foo", "Bob <sips:bob@biloxi.example.com;transport=tls>;tag=a6c85cf;x=\"q;r\"",
        "\"quote \\\" <not>\" <sip:x@y>", "  <sip:alice@a.example>  ;  tag = abc  ", "<sip:x@y", "\"open <sip:x@y>",
        "tel:+123;tag=1", "Anonymous <sip:anonymous@anonymous.invalid>;tag=hyh8",
    ]
    static let viaSeeds = [
        "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds", "SIP/2.0/TCP 10.0.0.1:5060;rport;received=1.2.3.4;branch=z9hG4bKx",
        "sip / 2.0 / udp  [2001:db8::9]:5070 ;branch=z9hG4bK-1 ;x=\"a;b\"", "SIP/2.0/UDP host:abc;branch=1", "SIP/2.0 UDP host",
        "SIP/3.0/UDP host", "SIP/2.0/ host", "SIP/2.0/UDP ;branch=x", "SIP/2.0/TLS h.example:5061",
    ]
    static let parameterSeeds = [";tag=1;lr;maddr=10.0.0.1", "a=b; c ;d=\"e;f\";;", ";x=<y;z>;w", "", ";=;", "; Tag = V "]
    static let alphabet = Array(":;,<>\"\\ \t@[]/=?.+-0123456789SIPsiptelvxyz".utf8)

    /// Each seed, then `rounds` random mutations of it (insert, delete or replace one byte), ASCII only.
    static func inputs(_ seeds: [String], rounds: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        var out = seeds
        for _ in 0..<rounds {
            var bytes = Array((seeds.randomElement(using: &rng) ?? "").utf8)
            for _ in 0...Int.random(in: 0...2, using: &rng) {
                let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
                let byte = alphabet.randomElement(using: &rng) ?? UInt8(ascii: ";")
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.insert(byte, at: position)
                case 1 where !bytes.isEmpty: bytes.remove(at: position)
                default: if bytes.isEmpty { bytes.append(byte) } else { bytes[position] = byte }
                }
            }
            out.append(String(decoding: bytes, as: UTF8.self))
        }
        return out
    }

    static func outcome<T>(_ body: () throws(SIPParseError) -> T) -> Result<T, SIPParseError> {
        do throws(SIPParseError) { return .success(try body()) } catch { return .failure(error) }
    }

    static func same(_ uri: SIPURI, _ reference: RefURI) -> Bool {
        guard uri.scheme.rawValue == reference.scheme.rawValue, uri.user == reference.user, uri.password == reference.password else {
            return false
        }
        guard uri.host == reference.host, uri.port == reference.port, uri.headers == reference.headers else { return false }
        return same(uri.parameters, reference.parameters)
    }

    static func same(_ value: SIPNameAddress, _ reference: RefNameAddress) -> Bool {
        guard value.displayName == reference.displayName, value.angleBrackets == reference.angleBrackets else { return false }
        return same(value.uri, reference.uri) && same(value.parameters, reference.parameters)
    }

    static func same(_ value: SIPVia, _ reference: RefVia) -> Bool {
        guard value.transport == reference.transport, value.host == reference.host, value.port == reference.port else { return false }
        return same(value.parameters, reference.parameters)
    }

    static func same(_ parameters: SIPParameters, _ reference: RefParameters) -> Bool {
        let names: [String] = parameters.items.map(\.name)
        let values: [String?] = parameters.items.map(\.value)
        return names == reference.items.map(\.name) && values == reference.items.map(\.value)
    }

    static func check<T, R>(_ text: String, _ new: Result<T, SIPParseError>, _ old: Result<R, SIPParseError>, equal: (T, R) -> Bool) {
        switch (new, old) {
        case (.success(let value), .success(let reference)):
            #expect(equal(value, reference), "fields differ for \(text.debugDescription)")
        case (.failure(let error), .failure(let referenceError)):
            #expect(error.code == referenceError.code, "error differs for \(text.debugDescription): \(error) vs \(referenceError)")
        case (.success, .failure(let referenceError)):
            Issue.record("accepted \(text.debugDescription), reference refused: \(referenceError)")
        case (.failure(let error), .success):
            Issue.record("refused \(text.debugDescription) (\(error)), reference accepted")
        }
    }

    @Test("URIs")
    func uris() {
        for text in Self.inputs(Self.uriSeeds, rounds: 3000, seed: 11) {
            Self.check(text, Self.outcome { () throws(SIPParseError) in try SIPURI(parsing: text) },
                       Self.outcome { () throws(SIPParseError) in try RefURI(parsing: text) }, equal: Self.same)
        }
    }

    @Test("name-addr and addr-spec")
    func nameAddresses() {
        for text in Self.inputs(Self.nameAddrSeeds, rounds: 3000, seed: 12) {
            Self.check(text, Self.outcome { () throws(SIPParseError) in try SIPNameAddress(parsing: text) },
                       Self.outcome { () throws(SIPParseError) in try RefNameAddress(parsing: text) }, equal: Self.same)
        }
    }

    @Test("Via")
    func vias() {
        for text in Self.inputs(Self.viaSeeds, rounds: 3000, seed: 13) {
            Self.check(text, Self.outcome { () throws(SIPParseError) in try SIPVia(parsing: text) },
                       Self.outcome { () throws(SIPParseError) in try RefVia(parsing: text) }, equal: Self.same)
        }
    }

    @Test("parameters and comma lists")
    func parametersAndLists() {
        for text in Self.inputs(Self.parameterSeeds + Self.nameAddrSeeds, rounds: 3000, seed: 14) {
            #expect(Self.same(SIPParameters(parsing: text[...]), RefParameters(parsing: text[...])), "\(text.debugDescription)")
            let list = HeaderValueSplitter.splitCommaList(text)
            #expect(list == RefSplitter.splitCommaList(text), "\(text.debugDescription)")
            #expect(HeaderValueSplitter.firstOfCommaList(text) == list.first, "\(text.debugDescription)")
            #expect(text.sipTrimmed == text.refTrimmed)
        }
    }

    @Test("parameter names compare ignoring ASCII case only as whole names")
    func parameterLookup() throws {
        var parameters = SIPParameters(parsing: ";Branch=z9hG4bK1;LR;tagx=1"[...])
        #expect(parameters["branch"] == .some("z9hG4bK1"))
        #expect(parameters["lr"] == .some(nil))
        #expect(parameters["tag"] == nil)
        parameters.set("TAG", "9")
        parameters.remove("BRANCH")
        #expect(parameters.serialized == ";LR;tagx=1;TAG=9")
    }
}
