import NIOCore
import Testing
@testable import SIPCore

@Suite("SIPResponse(replyingTo:)")
struct ReplyTests {
    @Test func copiesTransactionHeadersInOrder() throws {
        let request = try parseRequest(Samples.invite)
        let response = SIPResponse(replyingTo: request, statusCode: 486, toTag: "node-1")
        #expect(response.statusCode == 486)
        #expect(response.reasonPhrase == "Busy Here")
        #expect(response.headers.fields.map(\.name) == ["Via", "Via", "To", "From", "Call-ID", "CSeq"])
        #expect(response.headers.lines(.via) == request.headers.lines(.via))
        #expect(response.headers[.from] == request.headers[.from])
        #expect(response.headers[.callID] == request.headers[.callID])
        #expect(response.headers[.cseq] == request.headers[.cseq])
        #expect(response.to?.tag == "node-1")
        #expect(response.to?.uri == request.to?.uri)
        #expect(response.headers[.contentType] == nil)
        #expect(response.headers[.maxForwards] == nil)
        #expect(response.body.readableBytes == 0)
        // What it writes parses as a valid response with Content-Length 0.
        let reparsed = try parseResponse(response.serialized(), framing: .stream)
        #expect(reparsed.headers[.contentLength] == "0")
        #expect(reparsed.to?.tag == "node-1")
    }

    @Test func keepsAnExistingToTag() throws {
        let request = try parseRequest(Samples.bye)
        let response = SIPResponse(replyingTo: request, statusCode: 200, toTag: "other")
        #expect(response.to?.tag == "1928301774")
        #expect(response.headers[.to] == request.headers[.to])
    }

    @Test func noTagOn100Trying() throws {
        let request = try parseRequest(Samples.invite)
        let trying = SIPResponse(replyingTo: request, statusCode: 100, toTag: "never")
        #expect(trying.reasonPhrase == "Trying")
        #expect(trying.headers[.to] == request.headers[.to])
        #expect(trying.to?.tag == nil)
        let noTag = SIPResponse(replyingTo: request, statusCode: 180)
        #expect(noTag.to?.tag == nil)
    }

    @Test func compactNamesKeptAndAddrSpecToGetsBrackets() throws {
        let request = try parseRequest(wire("""
        MESSAGE sip:+447700900123@sms.example SIP/2.0
        v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc
        f: sip:+15551234567@a.example;tag=9
        t: sip:+447700900123@sms.example
        i: compact-reply
        CSeq: 5 MESSAGE
        """, body: Array("hi".utf8)))
        let response = SIPResponse(replyingTo: request, statusCode: 202, reasonPhrase: "Queued For Delivery", toTag: "z")
        #expect(response.reasonPhrase == "Queued For Delivery")
        #expect(response.headers.fields.map(\.name) == ["v", "f", "t", "i", "CSeq"])
        #expect(response.headers[.to] == "<sip:+447700900123@sms.example>;tag=z")
        #expect(response.cseq == SIPCSeq(sequence: 5, method: .message))
    }

    @Test func defaultReasonPhrases() {
        #expect(SIPStatus.reasonPhrase(for: 200) == "OK")
        #expect(SIPStatus.reasonPhrase(for: 503) == "Service Unavailable")
        #expect(SIPStatus.reasonPhrase(for: 299) == "Unknown")
        #expect(SIPResponse(statusCode: 404).reasonPhrase == "Not Found")
    }

    @Test(arguments: [
        ("INVITE", SIPMethod.invite), ("ACK", .ack), ("BYE", .bye), ("CANCEL", .cancel), ("OPTIONS", .options),
        ("REGISTER", .register), ("MESSAGE", .message), ("INFO", .info), ("UPDATE", .update), ("PRACK", .prack),
        ("SUBSCRIBE", .subscribe), ("NOTIFY", .notify), ("PUBLISH", .publish), ("REFER", .refer),
        ("invite", .other("invite")), ("FOO", .other("FOO")),
    ])
    func methodTokens(token: String, method: SIPMethod) {
        #expect(SIPMethod(token) == method)
        #expect(method.token == token)
        #expect(method.description == token)
    }
}
