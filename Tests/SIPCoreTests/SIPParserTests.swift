import NIOCore
import Testing
@testable import SIPCore

@Suite("SIPParser")
struct SIPParserTests {
    @Test func parsesRequest() throws {
        let request = try parseRequest(Samples.invite)
        #expect(request.method == .invite)
        #expect(request.uri.scheme == .sip)
        #expect(request.uri.user == "+4930123456")
        #expect(request.uri.host == "gw1.carrier-b.example")
        #expect(request.uri.parameters["user"] == .some("phone"))
        #expect(request.headers.count == 15)
        #expect(request.headers.values(.via).count == 2)
        #expect(request.topVia?.branch == "z9hG4bK776asdhds")
        #expect(request.topVia?.transport == "UDP")
        #expect(request.topVia?.port == 5060)
        #expect(request.topVia?.parameters.contains("rport") == true)
        #expect(request.cseq == SIPCSeq(sequence: 314159, method: .invite))
        #expect(request.callID == "a84b4c76e66710@pc33.carrier-a.example")
        #expect(request.from?.displayName == "\"Carrier A\"")
        #expect(request.from?.tag == "1928301774")
        #expect(request.to?.tag == nil)
        #expect(request.headers[.maxForwards] == "70")
        #expect(request.headers[.contentType] == "application/sdp")
        #expect(request.headers[.sessionExpires] == "1800;refresher=uac")
        #expect(request.body.readableBytes == crlf(Samples.sdpOffer).count)
        #expect(bytes(request.body) == crlf(Samples.sdpOffer))
    }

    @Test func parsesResponse() throws {
        let response = try parseResponse(Samples.ok200)
        #expect(response.statusCode == 200)
        #expect(response.reasonPhrase == "OK")
        #expect(response.isSuccess)
        #expect(!response.isProvisional)
        #expect(response.to?.tag == "as7d900")
        #expect(response.cseq?.method == .invite)
        #expect(response.topVia?.parameters["received"] == .some("192.0.2.10"))
        #expect(response.headers.values(.via).count == 2)
        #expect(bytes(response.body) == crlf(Samples.sdpAnswer))

        let ringing = try parseResponse(Samples.ringing180)
        #expect(ringing.statusCode == 180)
        #expect(ringing.isProvisional)
        #expect(ringing.body.readableBytes == 0)
    }

    @Test func reasonPhraseMayContainSpacesOrBeEmpty() throws {
        let spaced = try parseResponse(wire("""
        SIP/2.0 481 Call/Transaction Does Not Exist
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@b>;tag=1
        To: <sip:c@d>;tag=2
        Call-ID: x
        CSeq: 1 BYE
        """))
        #expect(spaced.reasonPhrase == "Call/Transaction Does Not Exist")
        let empty = try parseResponse(wire("""
        SIP/2.0 503 \("")
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@b>;tag=1
        To: <sip:c@d>;tag=2
        Call-ID: x
        CSeq: 1 INVITE
        """))
        #expect(empty.statusCode == 503)
        #expect(empty.reasonPhrase == "")
    }

    @Test(arguments: [
        ("v", SIPHeaderName.via), ("f", .from), ("t", .to), ("i", .callID), ("m", .contact),
        ("l", .contentLength), ("c", .contentType), ("k", .supported), ("o", .event), ("x", .sessionExpires),
        ("V", .via), ("I", .callID), ("L", .contentLength),
        ("Via", .via), ("VIA", .via), ("call-ID", .callID), ("CSEQ", .cseq), ("max-FORWARDS", .maxForwards),
    ])
    func headerNamesNormalise(written: String, expected: SIPHeaderName) {
        #expect(SIPHeaderName(written) == expected)
    }

    @Test func otherCompactFormsAndUnknownSingleLetters() {
        #expect(SIPHeaderName("e").key == "content-encoding")
        #expect(SIPHeaderName("s").key == "subject")
        #expect(SIPHeaderName("r").key == "refer-to")
        #expect(SIPHeaderName("b").key == "referred-by")
        #expect(SIPHeaderName("u").key == "allow-events")
        #expect(SIPHeaderName("y").key == "identity")
        // Not a compact form: stays itself.
        #expect(SIPHeaderName("z").key == "z")
        #expect(SIPHeaderName("X-Carrier-Id").key == "x-carrier-id")
    }

    /// The parser normalises names from its bytes; a header built in code from its String. Both must agree, for short
    /// keys (small strings) and long ones, every letter in both cases (compact forms), and names already lower case.
    @Test func headerNamesNormaliseFromBytesAsFromStrings() throws {
        let letters = "abcdefghijklmnopqrstuvwxyz".map(String.init)
        let names = letters + letters.map { $0.uppercased() } + [
            "Via", "vIA", "Call-ID", "CSeq", "Content-Length", "content-length", "Record-Route",
            "P-Asserted-Identity", "X-BF-Negotiation-ID", "X-A-Header-Name-Longer-Than-Thirty-Two-Bytes",
        ]
        for name in names {
            let fromBytes = Array(name.utf8).withUnsafeBytes { SIPHeaderName(writtenBytes: $0) }
            #expect(fromBytes == SIPHeaderName(name), "\(name)")
            #expect(fromBytes.key == (name.count == 1 ? fromBytes.key : name.lowercased()), "\(name)")
        }
        // In a message, through the parser.
        let lines = [
            "OPTIONS sip:a@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-n", "From: <sip:a@h>;tag=1",
            "To: <sip:b@h>", "Call-ID: names", "CSeq: 1 OPTIONS", "P-Asserted-Identity: <sip:a@h>", "X-BF-Negotiation-ID: n1",
            "Content-Length: 0", "", "",
        ]
        let message = try SIPParser().parse(ByteBuffer(string: lines.joined(separator: "\r\n")))
        #expect(message.headers.fields.map(\.key.key) == ["via", "from", "to", "call-id", "cseq", "p-asserted-identity", "x-bf-negotiation-id", "content-length"])
        // A name built in code that is not ASCII is lower-cased the Unicode way (the parser refuses such names).
        #expect(SIPHeaderName("X-Ärger").key == "x-ärger")
    }

    @Test func compactFormsInAMessage() throws {
        let request = try parseRequest(Samples.inviteCompact)
        // Spelling is kept, lookups go by the normalised name.
        #expect(request.headers.fields.map(\.name).prefix(5) == ["v", "Max-Forwards", "t", "f", "i"])
        #expect(request.callID == "compact-31415@example.com")
        #expect(request.headers.values(.via).count == 2)
        #expect(request.topVia?.transport == "TLS")
        #expect(request.topVia?.host == "[2001:db8::9]")
        #expect(request.from?.tag == "abc")
        #expect(request.to?.displayName == #""Bob \"The Builder\"""#)
        #expect(request.headers.values(.contact) == ["<sips:alice@[2001:db8::9]:5061;transport=tls>;expires=3600"])
        #expect(request.headers[.contentType] == "application/sdp")
        #expect(request.headers[.contentLength] == "\(crlf(Samples.sdpOffer).count)")
    }

    @Test func multiValueHeadersFlattenInOrder() throws {
        let request = try parseRequest(Samples.inviteCompact)
        #expect(request.headers.lines(.route).count == 2)
        #expect(request.headers.values(.route) == [
            "<sip:edge1.example;lr>", "<sip:core.example;lr>", "<sip:last.example;lr;transport=tcp>",
        ])
    }

    @Test func commasInsideQuotesAndAngleBracketsDoNotSplit() throws {
        let request = try parseRequest(wire(minimalRequestHead(extra: """
        Contact: "Smith, John" <sip:john@example.com;x=1>, <sip:a@b?subject=a,b>;q=0.5 , sip:c@d
        Contact: "quote \\" , inside" <sip:q@example.com>
        P-Asserted-Identity: "Doe, Jane" <sip:+15550001@example.com>,<tel:+15550001>
        """)))
        #expect(request.headers.values(.contact) == [
            #""Smith, John" <sip:john@example.com;x=1>"#,
            "<sip:a@b?subject=a,b>;q=0.5",
            "sip:c@d",
            #""quote \" , inside" <sip:q@example.com>"#,
        ])
        #expect(request.headers.values(.pAssertedIdentity).count == 2)
        let contacts = try request.headers.values(.contact).map { value throws(SIPParseError) in try SIPNameAddress(parsing: value) }
        #expect(contacts[0].displayName == #""Smith, John""#)
        #expect(contacts[0].uri.parameters["x"] == .some("1"))
        #expect(contacts[1].uri.headers == "subject=a,b")
        #expect(contacts[1].parameters["q"] == .some("0.5"))
        #expect(contacts[2].angleBrackets == false)
        #expect(contacts[2].uri.host == "d")
        #expect(contacts[3].uri.user == "q")
    }

    @Test func repeatedViaLinesAndViaListsMix() throws {
        let request = try parseRequest(wire(minimalRequestHead(method: "INVITE").replacingFirstVia(with: """
        Via: SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/TCP b.example:5070;branch=z9hG4bK2
        v: SIP/2.0/UDP c.example;branch=z9hG4bK3
        Via: SIP/2.0/SCTP d.example;branch=z9hG4bK4,SIP/2.0/WS e.example;branch=z9hG4bK5
        """)))
        let vias = try request.headers.values(.via).map { value throws(SIPParseError) in try SIPVia(parsing: value) }
        #expect(vias.map(\.host) == ["a.example", "b.example", "c.example", "d.example", "e.example"])
        #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP", "SCTP", "WS"])
        #expect(vias[1].port == 5070)
        #expect(vias.map(\.branch) == (1...5).map { "z9hG4bK\($0)" })
    }

    @Test func headerParametersAndQuotedStrings() throws {
        let name = try SIPNameAddress(parsing: #""Alice \"Al\" O'Neil; CEO" <sip:alice@example.com;transport=tcp>;tag=88sja8x;x-info="a;b,c=d";flag"#)
        #expect(name.displayName == #""Alice \"Al\" O'Neil; CEO""#)
        #expect(name.uri.parameters["transport"] == .some("tcp"))
        #expect(name.tag == "88sja8x")
        #expect(name.parameters["x-info"] == .some(#""a;b,c=d""#))
        #expect(name.parameters["flag"] == .some(nil))
        #expect(name.parameters["FLAG"] == .some(nil), "parameter names are case-insensitive")
        #expect(name.parameters["missing"] == nil)
        #expect(Array(name.parameters).map(\.name) == ["tag", "x-info", "flag"])

        let unquoted = try SIPNameAddress(parsing: "Bob Smith <sip:bob@example.net>")
        #expect(unquoted.displayName == "Bob Smith")
        #expect(unquoted.parameters.isEmpty)

        let via = try SIPVia(parsing: "SIP / 2.0 / udp  host.example:5062 ; branch=z9hG4bKx ;rport; received=10.0.0.1")
        #expect(via.transport == "UDP")
        #expect(via.sentBy == "host.example:5062")
        #expect(via.branch == "z9hG4bKx")
        #expect(via.parameters["rport"] == .some(nil))
        #expect(via.parameters["received"] == .some("10.0.0.1"))
    }

    @Test func cseqParsing() throws {
        #expect(try SIPCSeq(parsing: "4711 INVITE") == SIPCSeq(sequence: 4711, method: .invite))
        #expect(try SIPCSeq(parsing: " 1\tFOO ").method == .other("FOO"))
        #expect(try SIPCSeq(parsing: "2147483647 BYE").sequence == 2_147_483_647)
        for bad in ["", "INVITE", "1", "x INVITE", "-1 INVITE", "+1 INVITE", "2147483648 INVITE", "99999999999 INVITE", "1 INVITE extra"] {
            #expect(throws: SIPParseError.self, "\(bad)") { try SIPCSeq(parsing: bad) }
        }
    }

    // MARK: Content-Length framing

    @Test func datagramWithoutContentLengthTakesTheRest() throws {
        let request = try parseRequest(wire(minimalRequestHead(method: "MESSAGE"), body: Array("hello\r\nworld".utf8), contentLength: false))
        #expect(String(buffer: request.body) == "hello\r\nworld")
        #expect(request.headers[.contentLength] == nil)
    }

    @Test func datagramIgnoresBytesBeyondContentLength() throws {
        let buffer = wire(minimalRequestHead(method: "MESSAGE", extra: "Content-Length: 5"), body: Array("helloEXTRA GARBAGE".utf8), contentLength: false)
        let request = try parseRequest(buffer)
        #expect(String(buffer: request.body) == "hello")
        // The input buffer is not consumed.
        #expect(buffer.readerIndex == 0)
    }

    @Test func datagramContentLengthLargerThanBodyIsTruncated() {
        expectParseError(.bodyTruncated, wire(minimalRequestHead(method: "MESSAGE", extra: "l: 50"), body: Array("short".utf8), contentLength: false))
        expectParseError(.bodyTruncated, wire(minimalRequestHead(extra: "Content-Length: 9999999999"), contentLength: false))
    }

    @Test func streamWithoutContentLengthMeansEmptyBody() throws {
        let request = try parseRequest(wire(minimalRequestHead(), contentLength: false), framing: .stream)
        #expect(request.body.readableBytes == 0)
        expectParseError(.invalidContentLength, wire(minimalRequestHead(), body: Array("x".utf8), contentLength: false), framing: .stream)
    }

    @Test func contentLengthMustBeDigits() {
        for bad in ["-1", "abc", "+5", "5 5", "0x10", "12345678901", "", "1.0"] {
            expectParseError(.invalidContentLength, wire(minimalRequestHead(extra: "Content-Length: \(bad)"), contentLength: false))
        }
    }

    @Test func compactContentLength() throws {
        let request = try parseRequest(wire(minimalRequestHead(method: "MESSAGE", extra: "l:3"), body: Array("abcdef".utf8), contentLength: false))
        #expect(String(buffer: request.body) == "abc")
    }

    @Test func binaryBodyPassesThroughUntouched() throws {
        var rng = SplitMix64(seed: 42)
        var body = (0..<2048).map { _ in UInt8.random(in: 0...255, using: &rng) }
        body += [0, 0, 13, 10, 13, 10, 0xFF, 0xFE, 0xC3]  // NULs, a CRLFCRLF and broken UTF-8
        let input = wire(minimalRequestHead(method: "INFO", extra: "Content-Type: application/octet-stream"), body: body)
        let request = try parseRequest(input)
        #expect(bytes(request.body) == body)
        #expect(bytes(request.serialized()) == bytes(input))
        let streamed = try parseRequest(input, framing: .stream)
        #expect(bytes(streamed.body) == body)
    }

    /// The body is copied out: a slice would pin the whole receive buffer (64 KiB per datagram) for as
    /// long as the message lives, and an INVITE lives as long as its call.
    @Test func bodyDoesNotShareTheReceiveBuffer() throws {
        let message = wire(minimalRequestHead(method: "INFO", extra: "Content-Type: text/plain"), body: Array("hello".utf8))
        var receiveBuffer = ByteBufferAllocator().buffer(capacity: 65_536)
        receiveBuffer.writeImmutableBuffer(message)
        let request = try parseRequest(receiveBuffer)
        #expect(bytes(request.body) == Array("hello".utf8))
        let inputRange = receiveBuffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress)..<UInt(bitPattern: $0.baseAddress) + UInt($0.count) }
        let bodyStart = request.body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(!inputRange.contains(bodyStart))
        #expect(request.body.capacity < 1024)
    }

    // MARK: Folding and whitespace

    @Test func foldedHeadersAreUnfolded() throws {
        let request = try parseRequest(wire("""
        INVITE sip:b@example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfold
        Subject: first line
        \tsecond line
          third line
        From:
         <sip:a@example.com>
         ;tag=f
        To: <sip:b@example.net>
        Call-ID: fold@x
        CSeq:
        \t1 INVITE
        """))
        #expect(request.headers[SIPHeaderName("subject")] == "first line \tsecond line   third line")
        #expect(request.from?.tag == "f")
        #expect(request.from?.uri.user == "a")
        #expect(request.cseq?.sequence == 1)
        #expect(request.headers.count == 7)
    }

    @Test func whitespaceAroundColonAndValue() throws {
        let request = try parseRequest(wire(minimalRequestHead(extra: "X-Spaced \t :\t  padded value \t\nX-Empty:")))
        let spaced = request.headers.fields.first { $0.key == SIPHeaderName("x-spaced") }
        #expect(spaced?.name == "X-Spaced")
        #expect(spaced?.value == "padded value")
        #expect(request.headers[SIPHeaderName("x-empty")] == "")
    }

    @Test func leadingCRLFsAndBareLFAreTolerated() throws {
        let request = try parseRequest(ByteBuffer(string: "\r\n\r\n" + (minimalRequestHead() + "\nContent-Length: 0\n\n")))
        #expect(request.method == .options)
        #expect(request.callID == "min-1@example.com")
    }

    // MARK: Limits

    @Test func messageSizeLimit() {
        let limits = SIPParserLimits(maxMessageBytes: 300)
        let big = wire(minimalRequestHead(method: "MESSAGE"), body: Array(repeating: UInt8(ascii: "x"), count: 200))
        expectParseError(.messageTooLarge, big, limits: limits)
        expectParseError(.messageTooLarge, big, limits: SIPParserLimits(maxMessageBytes: big.readableBytes - 1))
        #expect(throws: Never.self) { try parse(big, limits: SIPParserLimits(maxMessageBytes: big.readableBytes)) }
    }

    @Test func headerCountLimit() throws {
        let extra = (1...20).map { "X-H\($0): v" }.joined(separator: "\n")
        let message = wire(minimalRequestHead(extra: extra))
        // 5 mandatory + 20 extra + Content-Length = 26 lines.
        expectParseError(.tooManyHeaders, message, limits: SIPParserLimits(maxHeaderCount: 25))
        #expect(throws: Never.self) { try parse(message, limits: SIPParserLimits(maxHeaderCount: 26)) }
    }

    @Test func lineLengthLimit() throws {
        let limits = SIPParserLimits(maxLineBytes: 100)
        let longValue = String(repeating: "a", count: 120)
        expectParseError(.lineTooLong, wire(minimalRequestHead(extra: "X-Long: \(longValue)")), limits: limits)
        // A folded line is measured after unfolding.
        let folded = "X-Folded: " + String(repeating: "b", count: 60) + "\n " + String(repeating: "c", count: 60)
        expectParseError(.lineTooLong, wire(minimalRequestHead(extra: folded)), limits: limits)
        // The start line counts too.
        let longURI = "OPTIONS sip:" + String(repeating: "u", count: 120) + "@h SIP/2.0"
        expectParseError(.lineTooLong, wire(longURI + "\nVia: SIP/2.0/UDP h;branch=z9hG4bK1"), limits: limits)
        // Exactly at the limit is fine.
        let exact = "X-Exact: " + String(repeating: "d", count: 100 - 9)
        #expect(throws: Never.self) { try parse(wire(minimalRequestHead(extra: exact)), limits: limits) }
    }

    @Test func defaultLimits() {
        #expect(SIPParserLimits.default == SIPParserLimits(maxMessageBytes: 65_535, maxHeaderCount: 256, maxLineBytes: 8_192))
    }

    @Test func errorsCompareByCodeAndKeepValuesOutOfDescription() {
        let a = SIPParseError(.invalidURI, "one")
        let b = SIPParseError(.invalidURI, "two")
        #expect(a == b)
        #expect(a != SIPParseError(.invalidHeaderValue, "one"))
        #expect(a.description == "SIPParseError.invalidURI: one")
        do {
            _ = try parse(wire(minimalRequestHead().replacingOccurrences("min-1@example.com", "secret caller id")))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidHeaderValue)
            #expect(!error.description.contains("secret"))
        }
    }
}

extension String {
    /// Replaces the first `Via:` line of a head with `lines`.
    func replacingFirstVia(with lines: String) -> String {
        var out: [Substring] = []
        var replaced = false
        for line in split(separator: "\n", omittingEmptySubsequences: false) {
            if !replaced, line.hasPrefix("Via:") {
                out.append(Substring(lines))
                replaced = true
            } else {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    /// Foundation-free replacement of every occurrence.
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
