import NIOCore
import Testing
@testable import SIPCore

/// The per-message shortcuts of SIPCore against the plain behaviour they replace: header names compared by a
/// known-header identity must behave as names compared by their keys; the scans the parser validates with must
/// accept and refuse exactly what the full parsers do; the writers behind `description` and serialization must
/// spell exactly what the string concatenation they replaced spelled.
@Suite("Fast paths agree with the plain behaviour")
struct FastPathTests {
    // MARK: - Header names

    /// Every known name in several spellings, every single letter in both cases, near misses and unknown names,
    /// non-ASCII ones (the Kelvin sign lower-cases to an ASCII "k", the compact form of Supported).
    static var names: [String] {
        let letters = "abcdefghijklmnopqrstuvwxyz".map(String.init)
        var out = letters + letters.map { $0.uppercased() }
        for header in KnownHeader.allCases {
            out += [header.key, header.spelling, header.key.uppercased(), alternatingCase(header.key)]
            out.append(String(header.key.dropLast()))
            out.append(header.key + "x")
        }
        out += [
            "X-Carrier-Id", "x-bf-negotiation-id", "X-BF-Negotiation-ID", "p-asserted-identit", "X-Ärger", "\u{212A}",
            "VİA", "a-very-long-header-name-beyond-twenty", "Content-Lengt", "Ca", "ab", "X", "xx",
        ]
        return out
    }

    static func alternatingCase(_ text: String) -> String {
        String(text.enumerated().map { $0.offset.isMultiple(of: 2) ? Character($0.element.uppercased()) : $0.element })
    }

    // The normalisation before identities existed: lower-cased, a lone letter expanded when it is a compact form.
    static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length", "c": "content-type", "f": "from",
        "s": "subject", "k": "supported", "t": "to", "v": "via", "o": "event", "r": "refer-to", "b": "referred-by",
        "u": "allow-events", "x": "session-expires", "a": "accept-contact", "j": "reject-contact", "d": "request-disposition",
        "y": "identity",
    ]

    static func referenceKey(_ written: String) -> String {
        let lowered = written.lowercased()
        return lowered.utf8.count == 1 ? (compactForms[lowered] ?? lowered) : lowered
    }

    @Test func knownHeaderTableIsConsistent() {
        var keys = Set<String>()
        for header in KnownHeader.allCases {
            #expect(keys.insert(header.key).inserted, "\(header.key) twice")
            #expect(header.key == header.spelling.lowercased())
            #expect(header.key.utf8.count > 1)
            let found = Array(header.key.utf8).withUnsafeBufferPointer { KnownHeader(lowerCased: $0) }
            #expect(found == header, "\(header.key)")
            #expect(Array(header.spelling.utf8).withUnsafeBytes { header.isSpelled($0) })
            #expect(!Array(header.key.uppercased().utf8).withUnsafeBytes { header.isSpelled($0) })
        }
        for (letter, key) in Self.compactForms {
            #expect(letter.utf8.first.flatMap { KnownHeader(compactForm: $0) }?.key == key)
        }
        #expect(KnownHeader(compactForm: UInt8(ascii: "z")) == nil)
        // The statics are the table's entries.
        let statics: [SIPHeaderName] = [
            .via, .from, .to, .callID, .cseq, .contact, .maxForwards, .contentLength, .contentType, .route, .recordRoute, .userAgent,
            .server, .reason, .pAssertedIdentity, .sessionExpires, .minSE, .supported, .require, .allow, .retryAfter, .event,
        ]
        for name in statics {
            #expect(name.id != 0)
            #expect(SIPHeaderName(name.key) == name)
            #expect(SIPHeaderName(name.key).id == name.id)
        }
    }

    @Test func identityBehavesAsTheKey() {
        let names = Self.names
        let built = names.map(SIPHeaderName.init)
        for (written, name) in zip(names, built) {
            #expect(name.key == Self.referenceKey(written), "\(written)")
            // A name has an identity exactly when its key is in the table.
            #expect((name.id != 0) == KnownHeader.allCases.contains { $0.key == name.key }, "\(written)")
            // The parser's byte path agrees with the String path.
            let fromBytes = Array(written.utf8).withUnsafeBytes { SIPHeaderName(writtenBytes: $0) }
            #expect(fromBytes.key == name.key && fromBytes.id == name.id, "\(written)")
        }
        // Pairs collected, then checked once (#expect per pair would dominate the run time).
        var disagreeing: [String] = []
        for left in built {
            for right in built {
                if (left == right) != (left.key == right.key) { disagreeing.append("== \(left.key) \(right.key)") }
                if left == right, left.hashValue != right.hashValue { disagreeing.append("hash \(left.key)") }
            }
        }
        #expect(Set(built).count == Set(built.map(\.key)).count)
        // Lookups through SIPHeaders: every spelling finds the line another spelling wrote.
        for (written, name) in zip(names, built) {
            let headers = SIPHeaders([SIPHeaderField(name: written, value: "v")])
            for other in built where (headers[other] != nil) != (other.key == name.key) {
                disagreeing.append("lookup \(written) \(other.key)")
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(10))")
    }

    @Test func parsedNamesKeepTheirSpelling() throws {
        var lines = ["OPTIONS sip:a@127.0.0.1 SIP/2.0"]
        let written = ["Via", "vIA", "f", "TO", "Call-ID", "cseq", "P-Asserted-Identity", "p-asserted-identity", "X-BF-Negotiation-ID", "RSeq", "RSEQ"]
        let values = [
            "SIP/2.0/UDP h;branch=z9hG4bK1", "SIP/2.0/UDP h;branch=z9hG4bK2", "<sip:a@h>;tag=1", "<sip:b@h>", "x", "1 OPTIONS",
            "<sip:a@h>", "<sip:b@h>", "n1", "1", "2",
        ]
        for (name, value) in zip(written, values) { lines.append("\(name): \(value)") }
        let message = try SIPParser().parse(ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\nContent-Length: 0\r\n\r\n"))
        #expect(message.headers.fields.map(\.name) == written + ["Content-Length"])
        #expect(message.headers.fields.map(\.key.key) == written.map(Self.referenceKey) + ["content-length"])
        #expect(message.headers.lines(.pAssertedIdentity) == ["<sip:a@h>", "<sip:b@h>"])
    }

    // MARK: - Scans

    static func sameOutcome<T, U>(_ text: String, _ full: Result<T, SIPParseError>, _ scan: Result<U, SIPParseError>) {
        switch (full, scan) {
        case (.success, .success):
            break
        case (.failure(let error), .failure(let scanError)):
            #expect(error.code == scanError.code && error.reason == scanError.reason, "\(text.debugDescription): \(error) vs \(scanError)")
        case (.success, .failure(let scanError)):
            Issue.record("scan refused \(text.debugDescription) (\(scanError)), parsing accepted")
        case (.failure(let error), .success):
            Issue.record("scan accepted \(text.debugDescription), parsing refused (\(error))")
        }
    }

    @Test func scansAcceptAndRefuseWhatParsingDoes() {
        typealias Inputs = GrammarDifferentialTests
        var counts = (uris: 0, refused: 0)
        for text in Inputs.inputs(Inputs.uriSeeds, rounds: 3000, seed: 21) {
            let full = Inputs.outcome { () throws(SIPParseError) in try SIPURI(parsing: text) }
            if case .failure = full { counts.refused += 1 }
            counts.uris += 1
            Self.sameOutcome(text, full, Inputs.outcome { () throws(SIPParseError) in
                try text.withSIPBytes { bytes throws(SIPParseError) in _ = try SIPURI.scan(bytes, bytes.all) }
            })
        }
        // The mutations reach both sides (a corpus that only ever parses would prove nothing).
        #expect(counts.refused > 300 && counts.refused < counts.uris - 300)
        for text in Inputs.inputs(Inputs.nameAddrSeeds, rounds: 3000, seed: 22) {
            Self.sameOutcome(text, Inputs.outcome { () throws(SIPParseError) in try SIPNameAddress(parsing: text) },
                             Inputs.outcome { () throws(SIPParseError) in try SIPNameAddress.validate(text) })
        }
        for text in Inputs.inputs(Inputs.viaSeeds, rounds: 3000, seed: 23) {
            Self.sameOutcome(text, Inputs.outcome { () throws(SIPParseError) in try SIPVia(parsing: text) },
                             Inputs.outcome { () throws(SIPParseError) in
                                 try text.withSIPBytes { bytes throws(SIPParseError) in _ = try SIPVia.scan(bytes, bytes.all) }
                             })
        }
    }

    /// `SIPNameAddress.tag(in:)` finds the tag without building the element; it must give what parsing gives,
    /// including nil for every element the parser refuses.
    @Test func tagLookupIsWhatParsingFinds() {
        typealias Inputs = GrammarDifferentialTests
        let seeds = Inputs.nameAddrSeeds + [
            "<sip:a@b>;TAG=Up;tag=second", "<sip:a@b>;tag", "<sip:a@b>;xtag=1;tag=2", "sip:a@b;tag = spaced ;x",
            "\"a;tag=in-name\" <sip:a@b>", "<sip:a@b;tag=in-uri>", "<sip:a@b>;tag=\"quoted;value\"", "<sip:a@b>; tag",
        ]
        var found = 0
        for text in seeds + Inputs.inputs(seeds, rounds: 4000, seed: 31) {
            let parsed = (try? SIPNameAddress(parsing: text))?.tag
            #expect(SIPNameAddress.tag(in: text) == parsed, "\(text)")
            if parsed != nil { found += 1 }
        }
        // The corpus has both outcomes in number.
        #expect(found > 500)
        var request = SIPRequest(method: .bye, uri: SIPURI(scheme: .sip, host: "h"))
        #expect(request.toTag == nil)
        request.headers.append("To", "<sip:b@h>;tag=abc")
        #expect(request.toTag == "abc")
    }

    /// `SIPVia.identity(in:)` and `branch(in:)` read a Via without building it (the engine's key for every message);
    /// they must give what parsing gives, including nil for every element the parser refuses.
    @Test func viaIdentityIsWhatParsingFinds() {
        typealias Inputs = GrammarDifferentialTests
        let seeds = Inputs.viaSeeds + [
            "SIP/2.0/UDP h;BRANCH=Up;branch=second", "SIP/2.0/UDP h;branch", "SIP/2.0/UDP h;xbranch=1;branch=2",
            "SIP/2.0/UDP h:5;branch = spaced ;rport", "SIP/2.0/UDP h;RPORT=7;branch=z9hG4bK-r", "SIP/2.0/UDP h;rportx",
            "SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-6;rport", "SIP/2.0/UDP h;branch=\"quoted;value\"",
        ]
        var withBranch = 0
        var withRport = 0
        for text in seeds + Inputs.inputs(seeds, rounds: 4000, seed: 37) {
            let parsed = try? SIPVia(parsing: text)
            #expect(SIPVia.identity(in: text) == parsed?.identity, "\(text)")
            #expect(SIPVia.branch(in: text) == parsed?.branch, "\(text)")
            if parsed?.branch != nil { withBranch += 1 }
            if parsed?.identity.hasRport == true { withRport += 1 }
        }
        // The corpus has each outcome in number.
        #expect(withBranch > 500)
        #expect(withRport > 20)
        var response = SIPResponse(statusCode: 200, headers: SIPHeaders())
        #expect(response.topViaBranch == nil)
        response.headers.append("Via", "SIP/2.0/UDP a;branch=z9hG4bK-1, SIP/2.0/UDP b;branch=z9hG4bK-2")
        #expect(response.topViaBranch == "z9hG4bK-1")
    }

    /// The parser checks the top Via in place; before, it took `firstValue(.via)` and parsed that.
    @Test func topViaValidationIsFirstValueParsed() {
        typealias Inputs = GrammarDifferentialTests
        let vias = Inputs.inputs(Inputs.viaSeeds, rounds: 600, seed: 24)
        var rng = SplitMix64(seed: 25)
        for round in 0..<1500 {
            // One to three Via lines, each a comma list of mutated elements, sometimes empty or only commas.
            var headers = SIPHeaders()
            headers.append("From", "<sip:a@h>")
            for _ in 0...Int.random(in: 0...2, using: &rng) {
                let elements = (0...Int.random(in: 0...2, using: &rng)).map { _ in
                    Int.random(in: 0..<5, using: &rng) == 0 ? " " : (vias.randomElement(using: &rng) ?? "")
                }
                headers.append(round.isMultiple(of: 2) ? "Via" : "v", elements.joined(separator: ","))
            }
            let full = Inputs.outcome { () throws(SIPParseError) -> Bool in
                guard let top = headers.firstValue(.via) else { return false }
                _ = try SIPVia(parsing: top)
                return true
            }
            let scanned = Inputs.outcome { () throws(SIPParseError) in try SIPParser.validateTopVia(headers) }
            Self.sameOutcome(headers.lines(.via).description, full, scanned)
            if case .success(let present) = full, case .success(let scannedPresent) = scanned { #expect(present == scannedPresent) }
        }
    }

    /// `removeFirstValue` rebuilds the rest of the list in place; it must read as the split-and-join it replaced.
    @Test func removeFirstValueKeepsTheRestAsJoined() {
        typealias Inputs = GrammarDifferentialTests
        let seeds = Inputs.viaSeeds + Inputs.nameAddrSeeds + [
            Inputs.viaSeeds.joined(separator: ","), Inputs.nameAddrSeeds.joined(separator: " , "), ",,", "", " a ,, b,c ",
        ]
        for text in Inputs.inputs(seeds, rounds: 3000, seed: 26) {
            var headers = SIPHeaders()
            headers.append("X-Before", "1")
            headers.append("Via", text)
            headers.append("Via", "second")
            var elements = HeaderValueSplitter.splitCommaList(text)
            headers.removeFirstValue(.via)
            if elements.count <= 1 {
                #expect(headers.lines(.via) == ["second"], "\(text.debugDescription)")
            } else {
                elements.removeFirst()
                #expect(headers.lines(.via) == [elements.joined(separator: ", "), "second"], "\(text.debugDescription)")
            }
            #expect(headers.fields.first?.name == "X-Before")
        }
    }

    // MARK: - Writers

    // The descriptions as they were built before the writers (string concatenation), kept as the reference.
    static func referenceDescription(_ uri: SIPURI) -> String {
        var out = uri.scheme.rawValue + ":"
        if uri.scheme == .tel {
            out += uri.user ?? ""
        } else {
            if let user = uri.user {
                out += user
                if let password = uri.password { out += ":" + password }
                out += "@"
            }
            out += uri.host
            if let port = uri.port { out += ":" + String(port) }
        }
        out += referenceSerialized(uri.parameters)
        if let headers = uri.headers { out += "?" + headers }
        return out
    }

    static func referenceSerialized(_ parameters: SIPParameters) -> String {
        var out = ""
        for item in parameters.items {
            out += ";" + item.name
            if let value = item.value { out += "=" + value }
        }
        return out
    }

    static func referenceDescription(_ value: SIPNameAddress) -> String {
        var out = ""
        if let displayName = value.displayName { out += displayName + " " }
        if value.angleBrackets || !value.parameters.isEmpty || !value.uri.parameters.isEmpty || value.uri.headers != nil || value.displayName != nil {
            out += "<" + referenceDescription(value.uri) + ">"
        } else {
            out += referenceDescription(value.uri)
        }
        return out + referenceSerialized(value.parameters)
    }

    static func referenceDescription(_ via: SIPVia) -> String {
        var out = "SIP/2.0/" + via.transport + " " + via.host
        if let port = via.port { out += ":" + String(port) }
        return out + referenceSerialized(via.parameters)
    }

    static func written(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        write(&buffer)
        return String(buffer: buffer)
    }

    @Test func writersSpellWhatConcatenationSpelled() {
        typealias Inputs = GrammarDifferentialTests
        var uris = Inputs.inputs(Inputs.uriSeeds, rounds: 2000, seed: 31).compactMap { try? SIPURI(parsing: $0) }
        uris += [
            SIPURI(host: "h"), SIPURI(scheme: .sips, user: "ü", host: "[::1]", port: 0), SIPURI(scheme: .tel, user: "+1", host: ""),
            SIPURI(user: "a", host: "example.com", port: 65535, parameters: SIPParameters(parsing: ";lr;transport=tcp")),
        ]
        var withPassword = SIPURI(user: "u", host: "h")
        withPassword.password = "p w"
        withPassword.headers = "subject=x"
        uris.append(withPassword)
        #expect(uris.count > 400)
        for uri in uris {
            let reference = Self.referenceDescription(uri)
            #expect(uri.description == reference)
            #expect(Self.written { uri.write(to: &$0) } == reference)
            #expect(uri.textLength >= reference.utf8.count)
            #expect(uri.parameters.serialized == Self.referenceSerialized(uri.parameters))
            #expect(uri.parameters.textLength == uri.parameters.serialized.utf8.count)
        }
        var nameAddresses = Inputs.inputs(Inputs.nameAddrSeeds, rounds: 2000, seed: 32).compactMap { try? SIPNameAddress(parsing: $0) }
        nameAddresses += uris.prefix(50).map { SIPNameAddress(uri: $0) }
        var bare = SIPNameAddress(uri: SIPURI(host: "h"))
        bare.angleBrackets = false
        nameAddresses.append(bare)
        var tagged = bare
        tagged.tag = "t1"
        nameAddresses.append(tagged)
        for value in nameAddresses {
            let reference = Self.referenceDescription(value)
            #expect(value.description == reference)
            #expect(Self.written { value.write(to: &$0) } == reference)
        }
        var vias = Inputs.inputs(Inputs.viaSeeds, rounds: 2000, seed: 33).compactMap { try? SIPVia(parsing: $0) }
        vias.append(SIPVia(transport: "UDP", host: "10.0.0.1", port: 5060, branch: "z9hG4bK-1"))
        vias.append(SIPVia(transport: "TCP", host: "[::1]", port: nil, branch: ""))
        for via in vias {
            let reference = Self.referenceDescription(via)
            #expect(via.description == reference)
            #expect(Self.written { via.write(to: &$0) } == reference)
        }
    }

    /// A request's first line is now written from the URI's parts; its bytes are the description's.
    @Test func requestLineIsTheURIDescription() {
        typealias Inputs = GrammarDifferentialTests
        let uris = Inputs.inputs(Inputs.uriSeeds, rounds: 500, seed: 34).compactMap { try? SIPURI(parsing: $0) }
        for uri in uris {
            for method in [SIPMethod.invite, .other("X-LONG-EXTENSION-METHOD")] {
                var headers = SIPHeaders()
                headers.append("Call-ID", "c")
                let request = SIPRequest(method: method, uri: uri, headers: headers, body: ByteBuffer(string: "b"))
                let expected = "\(method.token) \(Self.referenceDescription(uri)) SIP/2.0\r\nCall-ID: c\r\nContent-Length: 1\r\n\r\nb"
                #expect(String(buffer: request.serialized()) == expected)
            }
        }
    }

    /// `remove(_:)` looks before it removes (no copy of a shared list) and `remove(anyOf:)` removes several names in
    /// one pass: both must leave exactly the list that filtering by key leaves, in order.
    @Test func headerRemovalIsFilteringByKey() {
        let names = ["Via", "v", "X-BF-Bid-Price", "x-bf-bid-price", "X-BF-Receipt", "To", "Contact", "X-Other", "l"]
        var rng = SplitMix64(seed: 41)
        for _ in 0..<500 {
            var headers = SIPHeaders()
            for index in 0..<Int.random(in: 0...12, using: &rng) {
                headers.append(names.randomElement(using: &rng) ?? "Via", "value-\(index)")
            }
            let shared = headers
            let removed = (0..<Int.random(in: 0...3, using: &rng)).map { _ in SIPHeaderName(names.randomElement(using: &rng) ?? "To") }
            var one = headers
            for name in removed { one.remove(name) }
            var all = headers
            all.remove(anyOf: removed)
            let expected = headers.fields.filter { !removed.contains($0.key) }
            #expect(one.fields == expected)
            #expect(all.fields == expected)
            // The copy the lists were taken from is untouched.
            #expect(shared == headers)
        }
    }

    /// `SIPHeaderNameSet` answers what `Set<SIPHeaderName>` answers, for every spelling of every name.
    @Test func headerNameSetIsASetOfNames() {
        let all = Self.names.map(SIPHeaderName.init)
        #expect(KnownHeader.allCases.allSatisfy { $0.rawValue < 128 }, "two words of bits hold every identity")
        var rng = SplitMix64(seed: 43)
        for _ in 0..<300 {
            let members = (0..<Int.random(in: 0...20, using: &rng)).compactMap { _ in all.randomElement(using: &rng) }
            let set = SIPHeaderNameSet(members)
            let reference = Set(members)
            for name in all {
                #expect(set.contains(name) == reference.contains(name), "\(name)")
            }
        }
    }

    /// Messages are written in one span (start line and header section through one writer); the bytes must be the
    /// piecewise ByteBuffer writes', with and without Content-Length, for every sample and mutations of its headers.
    @Test func oneSpanSerializationIsThePiecewiseBytes() throws {
        var rng = SplitMix64(seed: 47)
        let extraValues = ["", "x", "ünïcödé ✓", String(repeating: "v", count: 300), "a, b, c", "<sip:x@y>;tag=1"]
        var checked = 0
        for sample in Samples.all {
            let parsed = try SIPParser().parse(sample.bytes)
            for round in 0..<60 {
                let message = parsed
                func mutate(_ headers: inout SIPHeaders) {
                    if round % 3 == 0 { headers.remove(.contentLength) }
                    for _ in 0..<Int.random(in: 0...3, using: &rng) {
                        headers.append(["X-Extra", "Subject", "v", "X-Long-Name-\(round)"].randomElement(using: &rng) ?? "X",
                                       extraValues.randomElement(using: &rng) ?? "")
                    }
                }
                switch message {
                case .request(var request):
                    mutate(&request.headers)
                    if round % 4 == 1 { request.body = ByteBuffer(string: String(repeating: "b", count: round * 37)) }
                    var oneSpan = ByteBuffer()
                    var piecewise = ByteBuffer()
                    // The one-span path is taken here, not its fallback.
                    #expect(request.writeHead(into: &oneSpan, capacity: request.headBytes))
                    // The size counted for the buffer is the size written, or one byte more: the URI's length is
                    // counted with room for the longest scheme prefix (`sips:`).
                    #expect((0...1).contains(request.headBytes - oneSpan.readableBytes))
                    oneSpan.writeImmutableBuffer(request.body)
                    request.serializePiecewise(into: &piecewise)
                    var serialized = ByteBuffer()
                    request.serialize(into: &serialized)
                    #expect(serialized == piecewise)
                    #expect(oneSpan == piecewise, "\(sample.name) \(round)")
                case .response(var response):
                    mutate(&response.headers)
                    if round % 5 == 2 { response.reasonPhrase = "Ünusual Réason \(round)" }
                    var oneSpan = ByteBuffer(string: "prefix")
                    var piecewise = ByteBuffer(string: "prefix")
                    #expect(response.writeHead(into: &oneSpan, capacity: response.headBytes))
                    #expect(oneSpan.readableBytes == 6 + response.headBytes)
                    oneSpan.writeImmutableBuffer(response.body)
                    response.serializePiecewise(into: &piecewise)
                    var serialized = ByteBuffer(string: "prefix")
                    response.serialize(into: &serialized)
                    #expect(serialized == piecewise)
                    #expect(oneSpan == piecewise, "\(sample.name) \(round)")
                }
                checked += 1
            }
        }
        #expect(checked == Samples.all.count * 60)
    }
}
