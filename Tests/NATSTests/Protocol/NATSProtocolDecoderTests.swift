import NIOCore
import NIOTestUtils
import Testing
@testable import NATS

@Suite struct NATSProtocolDecoderReferenceTests {
    static let infoLine =
        #"INFO {"server_id":"NCY123","version":"2.9.10","proto":1,"headers":true,"max_payload":1048576,"jetstream":true,"client_id":4}"#

    @Test func infoFromHandshake() throws {
        let messages = try decodeAll(Self.infoLine + "\r\n")
        #expect(
            messages == [
                .info(
                    NATSServerInfo(
                        serverID: "NCY123", version: "2.9.10", proto: 1, headers: true, maxPayload: 1_048_576,
                        jetstream: true, clientID: 4))
            ])
    }

    @Test func infoWithAuthTLSAndUnknownKeys() throws {
        let line =
            #"INFO {"server_id":"X","server_name":"n1","version":"2.9.10","go":"go1.19","proto":1,"max_payload":8,"auth_required":true,"tls_required":true,"nonce":"abc","connect_urls":["10.0.0.1:4222"],"ldm":true}"#
        guard case .info(let info) = try decodeAll(line + "\r\n").first else {
            Issue.record("not INFO")
            return
        }
        #expect(info.authRequired && info.tlsRequired && info.lameDuckMode)
        #expect(info.headers == false && info.jetstream == false)
        #expect(info.nonce == "abc" && info.serverName == "n1")
        #expect(info.connectURLs == ["10.0.0.1:4222"])
        #expect(info.maxPayload == 8)
    }

    @Test func infoUpdatesMaxPayloadWhenNotConfigured() throws {
        var decoder = NATSProtocolDecoder()
        _ = try decodeAll(#"INFO {"server_id":"X","version":"2.9.10","max_payload":4}"# + "\r\n", decoder: &decoder)
        #expect(decoder.maxPayload == 4)
        #expect(throws: NATSProtocolError(.payloadTooLarge, reason: "")) {
            _ = try decodeAll("MSG a 1 5\r\nhello\r\n", decoder: &decoder)
        }
        var fixed = NATSProtocolDecoder(maxPayload: 100)
        _ = try decodeAll(#"INFO {"server_id":"X","version":"2.9.10","max_payload":4}"# + "\r\n", decoder: &fixed)
        #expect(fixed.maxPayload == 100)
    }

    @Test func msgWithTwoSpacesWhereReplyIsAbsent() throws {
        let payload = String(repeating: "x", count: 27)
        let messages = try decodeAll("MSG _INBOX.t.p1 1  27\r\n\(payload)\r\n")
        #expect(messages == [.msg(.init(subject: "_INBOX.t.p1", sid: 1, replyTo: nil, payload: ByteBuffer(string: payload)))])
    }

    @Test func jetStreamDeliveryWithAckReply() throws {
        let messages = try decodeAll("MSG audit.node1 2 $JS.ACK.AUDIT.tool.1.1.1.1795778346633291421.2 5\r\nhello\r\n")
        #expect(
            messages == [
                .msg(
                    .init(
                        subject: "audit.node1", sid: 2, replyTo: "$JS.ACK.AUDIT.tool.1.1.1.1795778346633291421.2",
                        payload: ByteBuffer(string: "hello")))
            ])
    }

    @Test func noRespondersStatus() throws {
        let messages = try decodeAll("HMSG _INBOX.t.p7 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n")
        #expect(
            messages == [
                .hmsg(.init(subject: "_INBOX.t.p7", sid: 1, headers: NATSHeaders(status: .noResponders), payload: ByteBuffer()))
            ])
    }

    @Test func pullStatusesWithDescriptionAndHeaders() throws {
        let block = "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 10\r\n\r\n"
        let input = "HMSG _INBOX.pull.a 2 \(block.utf8.count) \(block.utf8.count)\r\n\(block)\r\n"
            + "HMSG _INBOX.pull.a 2 28 28\r\nNATS/1.0 404 No Messages\r\n\r\n\r\n"
        let messages = try decodeAll(input)
        guard messages.count == 2, case .hmsg(let timeout) = messages[0], case .hmsg(let empty) = messages[1] else {
            Issue.record("expected two HMSG, got \(messages)")
            return
        }
        #expect(timeout.headers.status == .init(code: 408, description: "Request Timeout"))
        #expect(timeout.headers["nats-pending-messages"] == "2")
        #expect(timeout.headers["Nats-Pending-Bytes"] == "10")
        #expect(empty.headers.status == .init(code: 404, description: "No Messages"))
    }

    @Test func hmsgWithMsgIdReplyAndRepeatedKeys() throws {
        let block = "NATS/1.0\r\nNats-Msg-Id: n1.cdr.7\r\nX-Tag: a\r\nx-tag: b\r\n\r\n"
        let input = "HMSG sipswarm.n1.cdr 9 _INBOX.r.1 \(block.utf8.count) \(block.utf8.count + 4)\r\n\(block)body\r\n"
        guard case .hmsg(let m) = try decodeAll(input).first else {
            Issue.record("not HMSG")
            return
        }
        #expect(m.subject == "sipswarm.n1.cdr" && m.sid == 9 && m.replyTo == "_INBOX.r.1")
        #expect(m.headers.status == nil)
        #expect(m.headers["NATS-MSG-ID"] == "n1.cdr.7")
        #expect(m.headers.values(for: "X-Tag") == ["a", "b"])
        #expect(m.headers.fields.map(\.name) == ["Nats-Msg-Id", "X-Tag", "x-tag"])
        #expect(m.payload == ByteBuffer(string: "body"))
    }

    @Test func pubAckBodyIsOpaquePayload() throws {
        let body = #"{"stream":"AUDIT", "seq":2,"duplicate": true}"#
        let messages = try decodeAll("MSG _INBOX.r.2 1 \(body.utf8.count)\r\n\(body)\r\n")
        #expect(messages == [.msg(.init(subject: "_INBOX.r.2", sid: 1, payload: ByteBuffer(string: body)))])
    }

    @Test func controlOpsAreCaseInsensitiveAndTolerateTabs() throws {
        let messages = try decodeAll("PING\r\nPONG\r\n+OK\r\nping\r\nPoNg\r\n+ok\r\nmsg\tfoo \t 3\t2\r\nhi\r\n")
        #expect(
            messages == [
                .ping, .pong, .ok, .ping, .pong, .ok,
                .msg(.init(subject: "foo", sid: 3, payload: ByteBuffer(string: "hi"))),
            ])
    }

    @Test func errors() throws {
        let messages = try decodeAll(
            "-ERR 'Authorization Violation'\r\n-ERR 'Invalid Publish Subject'\r\n-err 'Stale Connection'\r\n")
        #expect(messages == [.error("Authorization Violation"), .error("Invalid Publish Subject"), .error("Stale Connection")])
        #expect(NATSServerMessage.isFatalError("Authorization Violation"))
        #expect(!NATSServerMessage.isFatalError("Permissions Violation for Publish to foo"))
        #expect(!NATSServerMessage.isFatalError("Invalid Publish Subject"))
    }

    @Test func incompleteInputIsNotConsumed() throws {
        let full = "MSG foo 1 _INBOX.x 5\r\nhello\r\n"
        let bytes = Array(full.utf8)
        for cut in 0..<bytes.count {
            var decoder = NATSProtocolDecoder()
            var buffer = ByteBuffer(bytes: bytes[0..<cut])
            #expect(try decoder.decode(buffer: &buffer) == nil)
            #expect(buffer.readableBytes == cut)
        }
    }

    @Test func mixedStreamThroughVerifier() throws {
        let info = Self.infoLine + "\r\n"
        let expectedInfo = NATSServerMessage.info(
            NATSServerInfo(
                serverID: "NCY123", version: "2.9.10", proto: 1, headers: true, maxPayload: 1_048_576,
                jetstream: true, clientID: 4))
        let block = "NATS/1.0\r\nNats-Msg-Id: n1.cdr.1\r\n\r\n"
        var msgID = NATSHeaders()
        msgID.add(name: "Nats-Msg-Id", value: "n1.cdr.1")
        let pairs: [(String, [NATSServerMessage])] = [
            (info, [expectedInfo]),
            ("PING\r\n", [.ping]),
            ("MSG foo.bar 1 5\r\nhello\r\n", [.msg(.init(subject: "foo.bar", sid: 1, payload: ByteBuffer(string: "hello")))]),
            (
                "MSG foo.bar 12 _INBOX.abc.1 0\r\n\r\n",
                [.msg(.init(subject: "foo.bar", sid: 12, replyTo: "_INBOX.abc.1", payload: ByteBuffer()))]
            ),
            (
                "HMSG _INBOX.t.p7 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
                [.hmsg(.init(subject: "_INBOX.t.p7", sid: 1, headers: NATSHeaders(status: .noResponders), payload: ByteBuffer()))]
            ),
            (
                "HMSG s.cdr 4 _INBOX.r \(block.utf8.count) \(block.utf8.count + 3)\r\n\(block)a\r\n\r\n",
                [.hmsg(.init(subject: "s.cdr", sid: 4, replyTo: "_INBOX.r", headers: msgID, payload: ByteBuffer(string: "a\r\n")))]
            ),
            ("+OK\r\n", [.ok]),
            ("-ERR 'Slow Consumer'\r\n", [.error("Slow Consumer")]),
            ("PONG\r\n", [.pong]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: pairs) { NATSProtocolDecoder() }
    }
}

@Suite struct NATSProtocolDecoderErrorTests {
    func expectError(_ code: NATSProtocolError.Code, _ input: String, decoder: NATSProtocolDecoder = .init()) {
        var decoder = decoder
        do {
            _ = try decodeAll(input, decoder: &decoder)
            Issue.record("expected \(code) for \(input.debugDescription)")
        } catch let error as NATSProtocolError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func sizeMismatches() {
        expectError(.sizeMismatch, "MSG foo 1 3\r\nhello\r\n")
        expectError(.sizeMismatch, "MSG foo 1 6\r\nhello\r\n\r\n")
        expectError(.sizeMismatch, "HMSG foo 1 20 16\r\nNATS/1.0 503\r\n\r\n\r\n")
        // Declared header length cuts the block before its blank line.
        expectError(.invalidHeaders, "HMSG foo 1 14 16\r\nNATS/1.0 503\r\n\r\n\r\n")
    }

    @Test func oversizePayloadsFailBeforeTheBytesArrive() {
        let small = NATSProtocolDecoder(maxPayload: 10)
        expectError(.payloadTooLarge, "MSG foo 1 11\r\n", decoder: small)
        expectError(.payloadTooLarge, "HMSG foo 1 10 11\r\n", decoder: small)
        expectError(.payloadTooLarge, "MSG foo 1 999999999999999999\r\n")
    }

    @Test func garbageControlLines() {
        expectError(.unknownOperation, "HELLO world\r\n")
        expectError(.unknownOperation, "\r\n")
        expectError(.unknownOperation, "   \r\n")
        expectError(.invalidArguments, "MSG foo\r\n")
        expectError(.invalidArguments, "MSG foo 1 2 3 4\r\n")
        expectError(.invalidArguments, "MSG foo bar 3\r\nabc\r\n")
        expectError(.invalidArguments, "MSG foo 1 -3\r\n")
        expectError(.invalidArguments, "MSG foo 1 1234567890123456789\r\n")
        expectError(.invalidArguments, "HMSG foo 1 2\r\n")
        expectError(.invalidArguments, "PING extra\r\n")
        expectError(.missingCarriageReturn, "PING\n")
        expectError(.invalidInfo, "INFO {not json}\r\n")
        expectError(.invalidInfo, "INFO {\"version\":\"2.9.10\"}\r\n")
    }

    @Test func controlLineTooLong() {
        let decoder = NATSProtocolDecoder(maxControlLineLength: 64)
        expectError(.controlLineTooLong, String(repeating: "A", count: 200), decoder: decoder)
        expectError(.controlLineTooLong, "MSG " + String(repeating: "a", count: 100) + " 1 0\r\n\r\n", decoder: decoder)
        // Exactly at the limit is accepted.
        var ok = NATSProtocolDecoder(maxControlLineLength: 64)
        let subject = String(repeating: "s", count: 64 - "MSG  1 0".count)
        #expect(throws: Never.self) { _ = try decodeAll("MSG \(subject) 1 0\r\n\r\n", decoder: &ok) }
    }

    @Test func malformedHeaderBlocks() {
        func hmsg(_ block: String) -> String { "HMSG foo 1 \(block.utf8.count) \(block.utf8.count)\r\n\(block)\r\n" }
        expectError(.invalidHeaders, hmsg("HTTP/1.1 200\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("NATS/1.0 5x3\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("NATS/1.0\r\nNoColon\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("NATS/1.0\r\n: empty\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("NATS/1.0\r\nA: b\nC: d\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("NATS/1.0X\r\n\r\n"))
        expectError(.invalidHeaders, hmsg("\r\n\r\n"))
    }
}
