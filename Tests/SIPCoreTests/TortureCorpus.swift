import NIOCore
@testable import SIPCore

/// Torture messages in the spirit of RFC 4475, written for this project. Each case is raw bytes
/// and what the datagram parser must make of it.
struct TortureCase: Sendable, CustomStringConvertible {
    enum Expectation: Sendable {
        /// Parses; the closure returns the failed checks (empty when all hold).
        case valid(@Sendable (SIPMessage) -> [String])
        case invalid(SIPParseError.Code)
    }

    let name: String
    let bytes: [UInt8]
    let expectation: Expectation

    var description: String { name }

    init(_ name: String, _ bytes: [UInt8], _ expectation: Expectation) {
        self.name = name
        self.bytes = bytes
        self.expectation = expectation
    }

    /// Head written with LF line ends (converted to CRLF), then a blank line and the body.
    init(_ name: String, head: String, body: [UInt8] = [], _ expectation: Expectation) {
        self.init(name, crlf(head) + Array("\r\n\r\n".utf8) + body, expectation)
    }
}

/// Small check helpers: each returns a failure text or nil.
func check(_ condition: Bool, _ what: String) -> String? { condition ? nil : what }

extension SIPMessage {
    var request: SIPRequest? { if case .request(let r) = self { r } else { nil } }
    var response: SIPResponse? { if case .response(let r) = self { r } else { nil } }
}

enum TortureCorpus {
    static let sevenKilobytes = String(repeating: "0123456789abcdef", count: 448)  // 7168 bytes

    static let cases: [TortureCase] = valid + invalid

    // MARK: Unusual but valid

    static let valid: [TortureCase] = [
        TortureCase("escaped characters and escaped quotes", head: #"""
        INVITE sip:sip%3Auser%40example.com@example.net;tel=%2B1 SIP/2.0
        To: "Percent %41 \"quoted\" \\ backslash" <sip:%61lice@example.com;x=%3b>
        From: "J. \"Jimmy\" O'Hara" <sip:j%20o@example.com>;tag=ab%20cd
        Call-ID: esc-1@example.com
        CSeq: 8 INVITE
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-esc
        Content-Length: 0
        """#, .valid { m in
            [
                check(m.request?.uri.user == "sip%3Auser%40example.com", "user kept escaped"),
                check(m.request?.uri.parameters["tel"] == .some("%2B1"), "uri param"),
                check(m.request?.to?.displayName == #""Percent %41 \"quoted\" \\ backslash""#, "to display name"),
                check(m.request?.from?.tag == "ab%20cd", "from tag"),
            ].compactMap { $0 }
        }),

        TortureCase("wide range of whitespace and LWS", head: """
        OPTIONS sip:wsp.example SIP/2.0
        Via  :\t SIP / 2.0 / UDP\t  host1.example:5060 ;  branch = z9hG4bK-wsp ; rport
        TO\t: \t"Space  Cadet" \t <sip:wsp@example.net>
        from:<sip:caller@example.com>\t;\ttag = 123
        Call-ID\t:wsp-call@example.com\t
        CSeq:\t 9 \t OPTIONS
        X-Folded: value starts here,
        \t continues after a tab,
         and after a space
        Max-Forwards:\t70
        Content-Length:    0
        """, .valid { m in
            let r = m.request
            let via = r?.topVia
            return [
                check(via?.host == "host1.example" && via?.port == 5060, "via sent-by"),
                check(via?.branch == "z9hG4bK-wsp", "via branch with spaces around ="),
                check(r?.to?.displayName == #""Space  Cadet""#, "display name keeps inner spaces"),
                check(r?.from?.tag == "123", "tag with spaces around ="),
                check(r?.callID == "wsp-call@example.com", "call-id trimmed"),
                check(r?.cseq?.sequence == 9, "cseq with tabs"),
                check(r?.headers[SIPHeaderName("x-folded")] == "value starts here, \t continues after a tab,  and after a space", "folded"),
            ].compactMap { $0 }
        }),

        TortureCase("long header value just under the line limit", head: """
        MESSAGE sip:long@example.net SIP/2.0
        Via: SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK-long
        From: <sip:a@example.com>;tag=l
        To: <sip:long@example.net>
        Call-ID: long-1
        CSeq: 1 MESSAGE
        X-Long-Value: \(sevenKilobytes)
        Subject: \(String(repeating: "subject ", count: 1000))
        Content-Length: 0
        """, .valid { m in
            [check(m.request?.headers[SIPHeaderName("x-long-value")]?.utf8.count == 7168, "7 KiB value kept")].compactMap { $0 }
        }),

        TortureCase("two hundred headers", head: minimalRequestHead(extra: (1...200).map { "X-Hop-\($0): \($0)" }.joined(separator: "\n") + "\nContent-Length: 0"), .valid { m in
            [check(m.headers.count == 206, "206 header lines")].compactMap { $0 }
        }),

        TortureCase("unknown method and unknown headers", head: """
        NEWMETHOD sip:unknown@example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK-new
        From: <sip:a@example.com>;tag=n
        To: <sip:unknown@example.net>
        Call-ID: new-1
        CSeq: 77 NEWMETHOD
        X-Vendor-Thing: whatever; goes=here, "really"
        NewFangledHeader: newfangled value ; param=1
        Require: nothing-we-know
        Content-Length: 0
        """, .valid { m in
            [
                check(m.request?.method == .other("NEWMETHOD"), "method kept"),
                check(m.request?.cseq?.method == .other("NEWMETHOD"), "cseq method"),
                check(m.headers[SIPHeaderName("newfangledheader")] == "newfangled value ; param=1", "unknown header raw"),
            ].compactMap { $0 }
        }),

        TortureCase("header names in any case", head: """
        BYE sip:case@example.net SIP/2.0
        vIA: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK-case
        fROM: <sip:a@example.com>;tag=c1
        tO: <sip:case@example.net>;tag=c2
        cAlL-iD: case-1
        cseQ: 2 BYE
        MAX-FORWARDS: 1
        CONTENT-length: 0
        """, .valid { m in
            [
                check(m.request?.callID == "case-1", "call-id found"),
                check(m.headers[.maxForwards] == "1", "max-forwards found"),
                check(m.headers.fields.first?.name == "vIA", "spelling kept"),
            ].compactMap { $0 }
        }),

        TortureCase("semicolons in the user part", head: """
        INVITE sip:+14155550100;npdi;rn=+14155559999@gw.example;user=phone SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK-semi
        From: <sip:+15550001;isup-oli=62@orig.example;user=phone>;tag=s
        To: <sip:+14155550100;npdi;rn=+14155559999@gw.example;user=phone>
        Call-ID: semi-1
        CSeq: 1 INVITE
        Content-Length: 0
        """, .valid { m in
            [
                check(m.request?.uri.user == "+14155550100;npdi;rn=+14155559999", "request-uri user"),
                check(m.request?.uri.parameters["user"] == .some("phone"), "user=phone"),
                check(m.request?.from?.uri.user == "+15550001;isup-oli=62", "from user"),
            ].compactMap { $0 }
        }),

        TortureCase("empty reason phrase", head: """
        SIP/2.0 200 \("")
        Via: SIP/2.0/UDP 192.0.2.6;branch=z9hG4bK-empty
        From: <sip:a@example.com>;tag=e1
        To: <sip:b@example.net>;tag=e2
        Call-ID: empty-reason
        CSeq: 3 INVITE
        Content-Length: 0
        """, .valid { m in
            [check(m.response?.statusCode == 200 && m.response?.reasonPhrase == "", "empty reason")].compactMap { $0 }
        }),

        TortureCase("unusual status and UTF-8 reason", head: """
        SIP/2.0 699 Dérangement – ça ne marche pas
        Via: SIP/2.0/UDP 192.0.2.6;branch=z9hG4bK-699
        From: <sip:a@example.com>;tag=e1
        To: <sip:b@example.net>;tag=e2
        Call-ID: odd-status
        CSeq: 3 INVITE
        Content-Length: 0
        """, .valid { m in
            [check(m.response?.statusCode == 699 && m.response?.reasonPhrase == "Dérangement – ça ne marche pas", "699")].compactMap { $0 }
        }),

        TortureCase("several Vias in one line and several lines", head: """
        SIP/2.0 180 Ringing
        Via: SIP/2.0/UDP a.example;branch=z9hG4bK1,SIP/2.0/UDP b.example;branch=z9hG4bK2 , SIP/2.0/TCP [2001:db8::3]:5070;branch=z9hG4bK3
        Via: SIP/2.0/TLS d.example:5061;branch=z9hG4bK4
        v: SIP/2.0/UDP e.example;branch=z9hG4bK5;received=192.0.2.9
        From: <sip:a@example.com>;tag=v1
        To: <sip:b@example.net>;tag=v2
        Call-ID: many-vias
        CSeq: 1 INVITE
        Content-Length: 0
        """, .valid { m in
            let vias = m.headers.values(.via).compactMap { try? SIPVia(parsing: $0) }
            return [
                check(vias.count == 5, "five vias"),
                check(vias.map(\.branch) == (1...5).map { "z9hG4bK\($0)" }, "order"),
                check(vias.dropFirst(2).first?.host == "[2001:db8::3]", "ipv6 via"),
            ].compactMap { $0 }
        }),

        TortureCase("body with NUL bytes", head: """
        INFO sip:nul@example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-nul
        From: <sip:a@example.com>;tag=z
        To: <sip:nul@example.net>;tag=y
        Call-ID: nul-body
        CSeq: 4 INFO
        Content-Type: application/octet-stream
        Content-Length: 8
        """, body: [0, 1, 0, 0, 13, 10, 0, 255], .valid { m in
            [check(m.request.map { bytes($0.body) } == [0, 1, 0, 0, 13, 10, 0, 255], "body bytes")].compactMap { $0 }
        }),

        TortureCase("compact forms only", head: """
        MESSAGE sip:compact@example.net SIP/2.0
        v: SIP/2.0/TCP 192.0.2.8;branch=z9hG4bK-cmp
        f: <sip:a@example.com>;tag=cf
        t: sip:compact@example.net
        i: cmp-1
        CSeq: 1 MESSAGE
        c: text/plain
        l: 4
        """, body: Array("ping".utf8), .valid { m in
            [
                check(m.headers[.contentType] == "text/plain", "c"),
                check(m.request.map { String(buffer: $0.body) } == "ping", "body by l"),
                check(m.request?.to?.angleBrackets == false, "addr-spec To"),
            ].compactMap { $0 }
        }),

        TortureCase("tel request-URI with phone-context", head: """
        INVITE tel:863-1234;phone-context=+1-914-555 SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK-tel
        From: <tel:+12125550000>;tag=t
        To: <tel:863-1234;phone-context=+1-914-555>
        Call-ID: tel-1
        CSeq: 1 INVITE
        Content-Length: 0
        """, .valid { m in
            [
                check(m.request?.uri.scheme == .tel, "tel"),
                check(m.request?.uri.parameters["phone-context"] == .some("+1-914-555"), "phone-context"),
            ].compactMap { $0 }
        }),

        TortureCase("IPv6 everywhere", head: """
        OPTIONS sip:[2001:db8::10]:5060;transport=udp SIP/2.0
        Via: SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK-v6;received=[2001:db8::9]
        From: <sip:[2001:db8::9]>;tag=6
        To: <sip:[2001:db8::10]:5060>
        Contact: <sip:[::1]:5060>
        Call-ID: v6@[2001:db8::9]
        CSeq: 1 OPTIONS
        Content-Length: 0
        """, .valid { m in
            [
                check(m.request?.uri.host == "[2001:db8::10]" && m.request?.uri.port == 5060, "request-uri"),
                check(m.request?.topVia?.host == "[2001:db8::9]", "via"),
            ].compactMap { $0 }
        }),

        TortureCase("leading CRLFs, Max-Forwards 0 and largest CSeq", crlf("\n\n") + crlf("""
        OPTIONS sip:edge.example SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-edge
        Max-Forwards: 0
        From: <sip:a@example.com>;tag=e
        To: <sip:edge.example>
        Call-ID: edge
        CSeq: 2147483647 OPTIONS
        Content-Length: 0


        """), .valid { m in
            [check(m.request?.cseq?.sequence == 2_147_483_647, "cseq max")].compactMap { $0 }
        }),

        TortureCase("bare LF line ends", Array("""
        OPTIONS sip:lf.example SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.11;branch=z9hG4bK-lf
        From: <sip:a@example.com>;tag=lf
        To: <sip:lf.example>
        Call-ID: lf-only
        CSeq: 1 OPTIONS


        """.utf8), .valid { m in
            [check(m.request?.callID == "lf-only", "lf")].compactMap { $0 }
        }),

        TortureCase("datagram bytes beyond Content-Length are ignored", head: """
        MESSAGE sip:extra@example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.12;branch=z9hG4bK-extra
        From: <sip:a@example.com>;tag=x
        To: <sip:extra@example.net>
        Call-ID: extra
        CSeq: 1 MESSAGE
        Content-Length: 3
        """, body: Array("abcINVITE sip:smuggled SIP/2.0\r\n\r\n".utf8), .valid { m in
            [check(m.request.map { String(buffer: $0.body) } == "abc", "only 3 bytes")].compactMap { $0 }
        }),

        TortureCase("quoted commas and angle brackets in list headers", head: """
        INVITE sip:list@example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.13;branch=z9hG4bK-list
        From: "Last, First <boss>" <sip:a@example.com>;tag=q
        To: <sip:list@example.net>
        Contact: "x, y" <sip:x@example.com;a=b,c>, <sip:z@example.com>;q=0.1
        Route: <sip:p1.example;lr>,<sip:p2.example;lr>
        Call-ID: list-1
        CSeq: 1 INVITE
        Content-Length: 0
        """, .valid { m in
            [
                check(m.headers.values(.contact).count == 2, "two contacts"),
                check(m.headers.values(.route).count == 2, "two routes"),
                check(m.request?.from?.displayName == #""Last, First <boss>""#, "display name with < >"),
            ].compactMap { $0 }
        }),

        TortureCase("digit-only Content-Length with leading zeros", head: minimalRequestHead(method: "MESSAGE", extra: "Content-Length: 0002"), body: Array("ok".utf8), .valid { m in
            [check(m.request.map { String(buffer: $0.body) } == "ok", "0002")].compactMap { $0 }
        }),
    ]

    // MARK: Invalid

    static let invalid: [TortureCase] = [
        TortureCase("missing Via", head: """
        OPTIONS sip:x.example SIP/2.0
        From: <sip:a@example.com>;tag=1
        To: <sip:x.example>
        Call-ID: no-via
        CSeq: 1 OPTIONS
        Content-Length: 0
        """, .invalid(.missingHeader)),
        TortureCase("missing Call-ID", head: """
        OPTIONS sip:x.example SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@example.com>;tag=1
        To: <sip:x.example>
        CSeq: 1 OPTIONS
        """, .invalid(.missingHeader)),
        TortureCase("missing From", head: """
        OPTIONS sip:x.example SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        To: <sip:x.example>
        Call-ID: c
        CSeq: 1 OPTIONS
        """, .invalid(.missingHeader)),
        TortureCase("response missing To", head: """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@example.com>;tag=1
        Call-ID: c
        CSeq: 1 OPTIONS
        """, .invalid(.missingHeader)),
        TortureCase("response missing CSeq", head: """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@example.com>;tag=1
        To: <sip:b@example.com>;tag=2
        Call-ID: c
        """, .invalid(.missingHeader)),
        TortureCase("negative Content-Length", head: minimalRequestHead(extra: "Content-Length: -3"), .invalid(.invalidContentLength)),
        TortureCase("non-numeric Content-Length", head: minimalRequestHead(extra: "Content-Length: five"), .invalid(.invalidContentLength)),
        TortureCase("signed Content-Length", head: minimalRequestHead(extra: "l: +0"), .invalid(.invalidContentLength)),
        TortureCase("Content-Length with eleven digits", head: minimalRequestHead(extra: "Content-Length: 12345678901"), .invalid(.invalidContentLength)),
        TortureCase("huge Content-Length", head: minimalRequestHead(extra: "Content-Length: 4294967296"), .invalid(.bodyTruncated)),
        TortureCase("Content-Length larger than the datagram", head: minimalRequestHead(extra: "Content-Length: 10"), body: Array("12345".utf8), .invalid(.bodyTruncated)),
        TortureCase("unterminated quote in display name", head: minimalRequestHead().replacingOccurrences("From: <sip:a@example.com>;tag=f1", #"From: "Alice <sip:a@example.com>;tag=f1"#), .invalid(.invalidURI)),
        TortureCase("unterminated angle bracket", head: minimalRequestHead().replacingOccurrences("To: <sip:b@example.net>", "To: <sip:b@example.net"), .invalid(.invalidHeaderValue)),
        TortureCase("SIP/3.0 request", head: minimalRequestHead().replacingOccurrences("SIP/2.0\n", "SIP/3.0\n"), .invalid(.unsupportedVersion)),
        TortureCase("SIP/1.0 response", head: """
        SIP/1.0 200 OK
        Via: SIP/2.0/UDP h;branch=z9hG4bK1
        From: <sip:a@example.com>;tag=1
        To: <sip:b@example.com>;tag=2
        Call-ID: c
        CSeq: 1 OPTIONS
        """, .invalid(.unsupportedVersion)),
        TortureCase("lower-case version", head: minimalRequestHead().replacingOccurrences("SIP/2.0\n", "sip/2.0\n"), .invalid(.malformedStartLine)),
        TortureCase("status code 1000", Array("SIP/2.0 1000 Too Big\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("status code 99", Array("SIP/2.0 99 Too Small\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("status code with sign", Array("SIP/2.0 +20 Signed\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("CSeq method mismatch", head: minimalRequestHead(method: "INVITE").replacingOccurrences("CSeq: 1 INVITE", "CSeq: 1 BYE"), .invalid(.invalidHeaderValue)),
        TortureCase("CSeq method in lower case", head: minimalRequestHead(method: "INVITE").replacingOccurrences("CSeq: 1 INVITE", "CSeq: 1 invite"), .invalid(.invalidHeaderValue)),
        TortureCase("CSeq number 2^31", head: minimalRequestHead().replacingOccurrences("CSeq: 1 ", "CSeq: 2147483648 "), .invalid(.invalidHeaderValue)),
        TortureCase("CSeq number 2^32", head: minimalRequestHead().replacingOccurrences("CSeq: 1 ", "CSeq: 4294967296 "), .invalid(.invalidHeaderValue)),
        TortureCase("CSeq without method", head: minimalRequestHead().replacingOccurrences("CSeq: 1 OPTIONS", "CSeq: 1"), .invalid(.invalidHeaderValue)),
        TortureCase("Max-Forwards non-numeric", head: minimalRequestHead(extra: "Max-Forwards: seventy"), .invalid(.invalidHeaderValue)),
        TortureCase("Max-Forwards 256", head: minimalRequestHead(extra: "Max-Forwards: 256"), .invalid(.invalidHeaderValue)),
        TortureCase("Max-Forwards negative", head: minimalRequestHead(extra: "Max-Forwards: -1"), .invalid(.invalidHeaderValue)),
        TortureCase("whitespace in Call-ID", head: minimalRequestHead().replacingOccurrences("Call-ID: min-1@example.com", "Call-ID: min 1@example.com"), .invalid(.invalidHeaderValue)),
        TortureCase("space plus combining mark in Call-ID", head: minimalRequestHead().replacingOccurrences("Call-ID: min-1@example.com", "Call-ID: min \u{301}1@example.com"), .invalid(.invalidHeaderValue)),
        TortureCase("empty Call-ID", head: minimalRequestHead().replacingOccurrences("Call-ID: min-1@example.com", "Call-ID:"), .invalid(.invalidHeaderValue)),
        TortureCase("NUL in a header", crlf(minimalRequestHead()) + Array("\r\nX-Nul: a".utf8) + [0] + Array("b\r\n\r\n".utf8), .invalid(.malformedHeader)),
        TortureCase("NUL in the start line", Array("OPTIONS sip:a".utf8) + [0] + Array("@b SIP/2.0\r\n\r\n".utf8), .invalid(.malformedHeader)),
        TortureCase("no blank line after headers", crlf(minimalRequestHead() + "\n"), .invalid(.incomplete)),
        TortureCase("empty input", [], .invalid(.incomplete)),
        TortureCase("only CRLFs", Array("\r\n\r\n\r\n".utf8), .invalid(.incomplete)),
        TortureCase("request line without version", Array("OPTIONS sip:x.example\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("request line with only a method", Array("OPTIONS\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("response without reason separator", Array("SIP/2.0 200\r\n\r\n".utf8), .invalid(.malformedStartLine)),
        TortureCase("double space in request line", head: minimalRequestHead().replacingOccurrences("OPTIONS sip:", "OPTIONS  sip:"), .invalid(.malformedStartLine)),
        TortureCase("method is not a token", head: minimalRequestHead().replacingOccurrences("OPTIONS sip:", "OPT(IONS sip:"), .invalid(.malformedStartLine)),
        TortureCase("Via sent-protocol without transport", head: minimalRequestHead().replacingOccurrences("SIP/2.0/UDP", "SIP/2.0 UDP"), .invalid(.invalidHeaderValue)),
        TortureCase("Via sent-protocol not SIP", head: minimalRequestHead().replacingOccurrences("SIP/2.0/UDP", "HTTP/1.1/TCP"), .invalid(.invalidHeaderValue)),
        TortureCase("Via with bad port", head: minimalRequestHead().replacingOccurrences("192.0.2.1:5060", "192.0.2.1:65536"), .invalid(.invalidHeaderValue)),
        TortureCase("garbage request-URI scheme", head: minimalRequestHead().replacingOccurrences("OPTIONS sip:gw", "OPTIONS s!p:gw"), .invalid(.invalidURI)),
        TortureCase("unsupported request-URI scheme", head: minimalRequestHead().replacingOccurrences("OPTIONS sip:gw.example.net", "OPTIONS http://gw.example.net/"), .invalid(.unsupportedURIScheme)),
        TortureCase("request-URI with space and combining mark", head: minimalRequestHead().replacingOccurrences("sip:gw.example.net", "sip:g \u{301}w@example.net"), .invalid(.malformedStartLine)),
        TortureCase("request-URI unterminated IPv6", head: minimalRequestHead().replacingOccurrences("sip:gw.example.net", "sip:[2001:db8::1"), .invalid(.invalidURI)),
        TortureCase("header line without colon", head: minimalRequestHead(extra: "This is not a header"), .invalid(.malformedHeader)),
        TortureCase("header name with a space", head: minimalRequestHead(extra: "Bad Name: x"), .invalid(.malformedHeader)),
        TortureCase("continuation as first header line", Array("OPTIONS sip:x SIP/2.0\r\n folded: x\r\n\r\n".utf8), .invalid(.malformedHeader)),
        TortureCase("From URI garbage", head: minimalRequestHead().replacingOccurrences("From: <sip:a@example.com>", "From: <sip:a@exa mple.com>"), .invalid(.invalidURI)),
    ]
}
