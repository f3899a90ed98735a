import NIOCore
import Testing
@testable import NATS

@Suite struct NATSClientCommandTests {
    @Test func connectMatchesObservedHandshake() throws {
        #expect(
            try encoded(.connect(NATSConnectOptions()))
                == #"CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"lang":"swift","version":"0.1","protocol":1,"headers":true,"no_responders":true}"#
                + "\r\n")
        #expect(try encoded(.ping) == "PING\r\n")
        #expect(try encoded(.pong) == "PONG\r\n")
    }

    @Test func connectWithNameAndCredentials() throws {
        let user = try encoded(.connect(NATSConnectOptions(name: "node \"1\"", auth: .userPassword(user: "u", password: "p\\w"))))
        #expect(
            user == #"CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"name":"node \"1\"","lang":"swift","version":"0.1","protocol":1,"headers":true,"no_responders":true,"user":"u","pass":"p\\w"}"#
                + "\r\n")
        var options = NATSConnectOptions(auth: .token("t\n"))
        options.echo = false
        let token = try encoded(.connect(options))
        #expect(token.hasSuffix(#""no_responders":true,"echo":false,"auth_token":"t\n"}"# + "\r\n"))
        #expect(!options.description.contains("t\n"))
        #expect(!NATSConnectOptions(auth: .userPassword(user: "u", password: "secret")).description.contains("secret"))
    }

    @Test func pub() throws {
        #expect(try encoded(.pub(subject: "FOO", replyTo: nil, payload: ByteBuffer(string: "Hello NATS!"))) == "PUB FOO 11\r\nHello NATS!\r\n")
        #expect(try encoded(.pub(subject: "FOO", replyTo: "_INBOX.x.1", payload: ByteBuffer())) == "PUB FOO _INBOX.x.1 0\r\n\r\n")
        // The pull fetch from the reference. Its body is 32 bytes (the reference text says 35).
        let fetch = try encoded(
            .pub(
                subject: "$JS.API.CONSUMER.MSG.NEXT.AUDIT.tool", replyTo: "_INBOX.pull.a",
                payload: ByteBuffer(string: #"{"batch":2,"expires":2000000000}"#)))
        #expect(fetch == "PUB $JS.API.CONSUMER.MSG.NEXT.AUDIT.tool _INBOX.pull.a 32\r\n" + #"{"batch":2,"expires":2000000000}"# + "\r\n")
    }

    @Test func hpubMatchesReferenceExample() throws {
        var headers = NATSHeaders()
        headers.add(name: "Bar", value: "Baz")
        #expect(
            try encoded(.hpub(subject: "FOO", replyTo: nil, headers: headers, payload: ByteBuffer(string: "Hello NATS!")))
                == "HPUB FOO 22 33\r\nNATS/1.0\r\nBar: Baz\r\n\r\nHello NATS!\r\n")
        #expect(
            try encoded(.hpub(subject: "FOO", replyTo: "_INBOX.r", headers: NATSHeaders(), payload: ByteBuffer()))
                == "HPUB FOO _INBOX.r 12 12\r\nNATS/1.0\r\n\r\n\r\n")
    }

    @Test func hpubHeaderBlockRoundTripsThroughTheDecoder() throws {
        var headers = NATSHeaders()
        headers.add(name: "Nats-Msg-Id", value: "n1.cdr.42")
        headers.add(name: "Nats-Expected-Stream", value: "SIPSWARM_CDR")
        let wire = try encoded(.hpub(subject: "sipswarm.n1.cdr", replyTo: "_INBOX.a.b", headers: headers, payload: ByteBuffer(string: "{}")))
        // Turn the client HPUB into the HMSG the server would deliver on sid 5.
        let delivered = "HMSG sipswarm.n1.cdr 5" + wire.dropFirst("HPUB sipswarm.n1.cdr".count)
        let messages = try decodeAll(delivered)
        #expect(
            messages == [
                .hmsg(.init(subject: "sipswarm.n1.cdr", sid: 5, replyTo: "_INBOX.a.b", headers: headers, payload: ByteBuffer(string: "{}")))
            ])
    }

    @Test func subAndUnsub() throws {
        #expect(try encoded(.sub(subject: "FOO", queueGroup: nil, sid: 1)) == "SUB FOO 1\r\n")
        #expect(try encoded(.sub(subject: "_INBOX.pull.*", queueGroup: nil, sid: 2)) == "SUB _INBOX.pull.* 2\r\n")
        #expect(try encoded(.sub(subject: "BAR", queueGroup: "G1", sid: 44)) == "SUB BAR G1 44\r\n")
        #expect(try encoded(.unsub(sid: 1, max: nil)) == "UNSUB 1\r\n")
        #expect(try encoded(.unsub(sid: 1, max: 5)) == "UNSUB 1 5\r\n")
    }

    @Test func invalidSubjectsAndHeadersAreRejected() {
        let bad: [(NATSClientCommand, NATSProtocolError.Code)] = [
            (.pub(subject: "", replyTo: nil, payload: ByteBuffer()), .invalidSubject),
            (.pub(subject: "a b", replyTo: nil, payload: ByteBuffer()), .invalidSubject),
            (.pub(subject: "a", replyTo: "r\r\n", payload: ByteBuffer()), .invalidSubject),
            (.sub(subject: "a", queueGroup: "q q", sid: 1), .invalidSubject),
            (.hpub(subject: "a", replyTo: nil, headers: NATSHeaders(fields: [.init(name: "A:B", value: "v")]), payload: ByteBuffer()), .invalidHeaders),
            (.hpub(subject: "a", replyTo: nil, headers: NATSHeaders(fields: [.init(name: "A", value: "v\r\nX: y")]), payload: ByteBuffer()), .invalidHeaders),
            (.hpub(subject: "a", replyTo: nil, headers: NATSHeaders(status: .init(code: 5)), payload: ByteBuffer()), .invalidHeaders),
        ]
        for (command, code) in bad {
            var buffer = ByteBuffer()
            #expect(throws: NATSProtocolError(code, reason: "")) { try command.encode(into: &buffer) }
        }
    }
}
