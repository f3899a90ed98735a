import NIOCore
import Testing
@testable import SIPCore

@Suite("Serializer round trip")
struct RoundTripTests {
    @Test(arguments: Samples.all.map(\.name))
    func parseThenSerializeIsByteIdentical(name: String) throws {
        let input = try #require(Samples.all.first { $0.name == name }).bytes
        let message = try parse(input)
        #expect(bytes(message.serialized()) == bytes(input))
        // Through the stream path as well.
        let streamed = try parse(input, framing: .stream)
        #expect(streamed == message)
        // serialize(into:) appends to an existing buffer.
        var buffer = ByteBuffer(string: "prefix")
        switch message {
        case .request(let request): request.serialize(into: &buffer)
        case .response(let response): response.serialize(into: &buffer)
        }
        #expect(buffer.readString(length: 6) == "prefix")
        #expect(bytes(buffer) == bytes(input))
    }

    /// Header lines are copied as UTF-8 bytes into one reserved span: multi-byte values, empty values and a long list
    /// come out exactly, after whatever the buffer already held.
    @Test func builtHeadersSerializeByteForByte() throws {
        var headers = SIPHeaders()
        headers.append("Subject", "Ω – 日本語 🎉")
        headers.append("X-Empty", "")
        for index in 0..<40 { headers.append("X-Long-\(index)", String(repeating: "v", count: index * 7)) }
        let response = SIPResponse(statusCode: 200, headers: headers)
        var buffer = ByteBuffer(string: "prefix")
        response.serialize(into: &buffer)
        var expected = "prefixSIP/2.0 200 OK\r\nSubject: Ω – 日本語 🎉\r\nX-Empty: \r\n"
        for index in 0..<40 { expected += "X-Long-\(index): " + String(repeating: "v", count: index * 7) + "\r\n" }
        expected += "Content-Length: 0\r\n\r\n"
        #expect(String(buffer: buffer) == expected)
    }

    @Test func serializerAddsMissingContentLength() throws {
        let input = wire(minimalRequestHead(method: "MESSAGE"), body: Array("hi".utf8), contentLength: false)
        let request = try parseRequest(input)
        let output = String(buffer: request.serialized())
        #expect(output.hasSuffix("CSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi"))
        // And what it wrote parses back to the same message plus that header.
        let again = try parseRequest(request.serialized(), framing: .stream)
        #expect(again.body == request.body)
        #expect(again.headers[.contentLength] == "2")
    }

    @Test func normalisesSpacingButKeepsNameSpelling() throws {
        let input = ByteBuffer(bytes: crlf("""
        OPTIONS sip:x.example SIP/2.0
        via:SIP/2.0/UDP h;branch=z9hG4bK1
        FROM :  <sip:a@b>;tag=1
        t:<sip:c@d>
        call-id:\tabc
        cseq: 1 OPTIONS
        l: 0


        """))
        let output = String(buffer: try parse(input).serialized())
        #expect(output == String(decoding: crlf("""
        OPTIONS sip:x.example SIP/2.0
        via: SIP/2.0/UDP h;branch=z9hG4bK1
        FROM: <sip:a@b>;tag=1
        t: <sip:c@d>
        call-id: abc
        cseq: 1 OPTIONS
        l: 0


        """), as: UTF8.self))
    }

    @Test func builtRequestSerializes() throws {
        var request = SIPRequest(method: .invite, uri: SIPURI(user: "+4930123456", host: "gw.example", port: 5080))
        request.headers.append("Via", SIPVia(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bK-1").description)
        request.headers.prepend("Via", SIPVia(transport: "TCP", host: "node.example", port: nil, branch: "z9hG4bK-2").description)
        request.headers.append("From", "<sip:a@b>;tag=1")
        request.headers.append("To", "<sip:c@d>")
        request.headers.append("Call-ID", "built-1")
        request.headers.append("CSeq", SIPCSeq(sequence: 1, method: .invite).description)
        request.setBody(ByteBuffer(string: "v=0\r\n"), contentType: "application/sdp")
        let text = String(buffer: request.serialized())
        #expect(text == """
        INVITE sip:+4930123456@gw.example:5080 SIP/2.0\r
        Via: SIP/2.0/TCP node.example;branch=z9hG4bK-2\r
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r
        From: <sip:a@b>;tag=1\r
        To: <sip:c@d>\r
        Call-ID: built-1\r
        CSeq: 1 INVITE\r
        Content-Type: application/sdp\r
        Content-Length: 5\r
        \r
        v=0\r

        """)
        #expect(try parse(request.serialized()) == .request(request))

        request.setBody(ByteBuffer(), contentType: "application/sdp")
        #expect(request.headers[.contentType] == nil)
        #expect(request.headers[.contentLength] == "0")
        #expect(request.headers.lines(.contentLength).count == 1)
    }

    @Test func headerEditing() {
        var headers = SIPHeaders()
        headers.append("Via", "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2")
        headers.append("v", "SIP/2.0/UDP c;branch=z9hG4bK3")
        headers.append("X-A", "1")
        headers.append("x-a", "2")
        headers.removeFirstValue(.via)
        #expect(headers.values(.via) == ["SIP/2.0/UDP b;branch=z9hG4bK2", "SIP/2.0/UDP c;branch=z9hG4bK3"])
        headers.removeFirstValue(.via)
        #expect(headers.lines(.via) == ["SIP/2.0/UDP c;branch=z9hG4bK3"])
        headers.set("X-a", "3")
        #expect(headers.fields.filter { $0.key == SIPHeaderName("x-a") }.map(\.name) == ["X-A"])
        #expect(headers[SIPHeaderName("X-A")] == "3")
        headers.remove(.via)
        #expect(!headers.contains(.via))
        headers.removeFirstValue(.via)
        #expect(headers.count == 1)
    }
}
