import Foundation
import NIOCore
import SIPCore
import Testing

@Suite("BadRequestResponder")
struct BadRequestResponderTests {
    private static func request(cseq: String?) -> String {
        var lines = [
            "INVITE sip:1555@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKabc;rport",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1>;tag=1",
            "To: <sip:1555@127.0.0.1>",
            "Call-ID: bad-1@127.0.0.1",
        ]
        if let cseq { lines.append(cseq) }
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    @Test(arguments: ["CSeq: banana INVITE", "CSeq: -1 INVITE", "CSeq: 1 BYE"])
    func answersMalformedRequestWith400(cseq: String) throws {
        let bytes = ByteBuffer(string: Self.request(cseq: cseq))
        let error = try #require(throws: SIPParseError.self) { try SIPParser().parse(bytes) }
        let response = try #require(BadRequestResponder.response(for: bytes, error: error))
        #expect(response.statusCode == 400)
        #expect(response.headers[.callID] == "bad-1@127.0.0.1")
        #expect(response.headers[.to]?.contains(";tag=") == true)
        #expect(response.headers.values(.via).count == 1)
    }

    @Test
    func cannotAnswerWithoutCSeq() throws {
        let bytes = ByteBuffer(string: Self.request(cseq: nil))
        #expect(BadRequestResponder.response(for: bytes, error: SIPParseError(.missingHeader, "no CSeq")) == nil)
    }

    @Test
    func neverAnswersAnACKOrAResponse() {
        let ack = ByteBuffer(string: Self.request(cseq: "CSeq: x ACK").replacingOccurrences(of: "INVITE sip", with: "ACK sip"))
        #expect(BadRequestResponder.response(for: ack, error: SIPParseError(.invalidHeaderValue, "x")) == nil)
        let response = ByteBuffer(string: "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n")
        #expect(BadRequestResponder.response(for: response, error: SIPParseError(.missingHeader, "x")) == nil)
    }
}
