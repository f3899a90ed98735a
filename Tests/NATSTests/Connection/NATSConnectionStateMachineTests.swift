import NIOCore
import Testing
@testable import NATS

@Suite struct NATSConnectionStateMachineTests {
    @Test func handshakeSendsConnectThenPingAndEstablishesOnPong() throws {
        var h = try StateMachineHarness()
        let start = h.record(h.machine.start())
        let url = try NATSServerURL(parsing: "nats://127.0.0.1:4222")
        #expect(start == [.openConnection(1, url), .scheduleTimer(.handshake(1), after: .seconds(2))])
        #expect(h.machine.channelActive(1) == [])
        #expect(h.machine.infoReceived(1, .test()) == [.send(1, [expectedConnect(), .ping])])
        #expect(!h.machine.isConnected)
        let established = h.record(h.machine.pongReceived(1))
        #expect(
            established == [
                .established(1, .test(), resend: [], buffered: [], isReconnect: false),
                .scheduleTimer(.ping(1), after: .seconds(10)),
            ])
        #expect(h.machine.isConnected)
    }

    @Test func connectJSONHasTheRequiredFields() throws {
        var buffer = ByteBuffer()
        try expectedConnect(auth: .userPassword(user: "u", password: "p")).encode(into: &buffer)
        let line = String(buffer: buffer)
        for field in [
            "\"verbose\":false", "\"pedantic\":false", "\"headers\":true", "\"no_responders\":true",
            "\"lang\":\"swift\"", "\"name\":\"test\"", "\"version\":\"9.9\"", "\"user\":\"u\"", "\"pass\":\"p\"",
        ] {
            #expect(line.contains(field), "CONNECT lacks \(field): \(line)")
        }
    }

    @Test func credentialsGoOnlyToAServerThatAsksForThem() throws {
        var h = try StateMachineHarness(servers: ["nats://alice:s%40cret@127.0.0.1:4222"])
        h.record(h.machine.start())
        h.record(h.machine.channelActive(1))
        #expect(
            h.machine.infoReceived(1, .test(authRequired: true)) == [
                .send(1, [expectedConnect(auth: .userPassword(user: "alice", password: "s@cret")), .ping])
            ])

        var plain = try StateMachineHarness(auth: .token("t0k"))
        plain.record(plain.machine.start())
        plain.record(plain.machine.channelActive(1))
        #expect(plain.machine.infoReceived(1, .test()) == [.send(1, [expectedConnect(), .ping])])
    }

    @Test func serverPingIsAnsweredWithPong() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        #expect(h.machine.pingReceived(id) == [.send(id, [.pong])])
    }

    @Test func keepAlivePingsThenStaleConnectionAfterMaxOutstanding() throws {
        var h = try StateMachineHarness(pingInterval: .seconds(10), maxPingsOutstanding: 2)
        let id = h.connect()
        #expect(h.advance(by: .seconds(10)) == [.send(id, [.ping]), .scheduleTimer(.ping(id), after: .seconds(10))])
        // A PONG resets the count: two more intervals are allowed.
        h.record(h.machine.pongReceived(id))
        h.advance(by: .seconds(20))
        #expect(h.machine.isConnected)
        // The third unanswered interval gives up on the server.
        #expect(h.advance(by: .seconds(10)) == [.closeConnection(id)])
        let lost = h.record(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "closed")))
        guard case .disconnected(let cause) = lost.first else {
            Issue.record("expected disconnected, got \(lost)")
            return
        }
        #expect(cause.code == .staleConnection)
        #expect(h.reconnectDelays.count == 1)
    }

    @Test func authorizationViolationFailsTheFirstConnectWithATypedError() throws {
        var h = try StateMachineHarness(auth: .userPassword(user: "u", password: "wrong"))
        h.record(h.machine.start())
        h.record(h.machine.channelActive(1))
        h.record(h.machine.infoReceived(1, .test(authRequired: true)))
        #expect(h.machine.serverError(1, "Authorization Violation") == [.closeConnection(1)])
        let actions = h.machine.connectionLost(1, error: NATSError(.disconnected, reason: "eof"))
        guard case .failConnect(let error) = actions.first else {
            Issue.record("expected failConnect, got \(actions)")
            return
        }
        #expect(error.code == .authorizationViolation)
        #expect(!error.description.contains("wrong"))
        #expect(actions.last == .closed(error))
        #expect(h.machine.isClosed)
    }

    @Test func firstConnectTriesEveryConfiguredServerOnceAndSkipsAuthFailures() throws {
        var h = try StateMachineHarness(servers: ["nats://a:1", "nats://b:2"])
        h.record(h.machine.start())
        h.record(h.machine.channelActive(1))
        h.record(h.machine.infoReceived(1, .test(authRequired: true)))
        h.record(h.machine.serverError(1, "Authorization Violation"))
        h.record(h.machine.connectionLost(1, error: NATSError(.disconnected, reason: "eof")))
        #expect(h.opened.map(\.1.host) == ["a", "b"])
        h.handshake(2)
        #expect(h.machine.isConnected)
        // Server a refused us: after losing b, only b is tried again.
        h.record(h.machine.connectionLost(2, error: NATSError(.disconnected, reason: "eof")))
        h.advance(by: .seconds(1))
        h.record(h.machine.connectionLost(3, error: NATSError(.connectionFailed, reason: "refused")))
        h.advance(by: .seconds(1))
        #expect(h.opened.map(\.1.host) == ["a", "b", "b", "b"])
    }

    @Test func firstConnectFailsWithTheLastErrorWhenNoServerAnswers() throws {
        var h = try StateMachineHarness(servers: ["nats://a:1", "nats://b:2"])
        h.record(h.machine.start())
        h.record(h.machine.connectionLost(1, error: NATSError(.connectionFailed, reason: "refused")))
        let actions = h.machine.connectionLost(2, error: NATSError(.connectionFailed, reason: "refused"))
        #expect(actions.first == .failConnect(NATSError(.connectionFailed, reason: "")))
        #expect(h.machine.isClosed)
    }

    @Test func reconnectBacksOffExponentiallyWithBoundedJitterAcrossServers() throws {
        var h = try StateMachineHarness(
            servers: ["nats://a:1", "nats://b:2"],
            reconnect: .init(initialDelay: .milliseconds(100), maxDelay: .milliseconds(800), jitter: 0.5))
        let first = h.connect()
        h.record(h.machine.connectionLost(first, error: NATSError(.disconnected, reason: "eof")))
        for _ in 0..<6 {
            h.advance(by: .seconds(2))
            guard let (id, _) = h.opened.last else { break }
            h.record(h.machine.connectionLost(id, error: NATSError(.connectionFailed, reason: "refused")))
        }
        h.advance(by: .seconds(2))
        let delays = h.reconnectDelays
        #expect(delays.count == 7)
        let bases: [Duration] = [100, 200, 400, 800, 800, 800, 800].map { .milliseconds($0) }
        for (delay, base) in zip(delays, bases) {
            #expect(delay >= base && delay <= base * 1.5, "delay \(delay) outside \(base)…\(base * 1.5)")
        }
        #expect(Set(delays).count > 4, "jitter should vary the waits")
        #expect(h.opened.map(\.1.host) == ["a", "b", "a", "b", "a", "b", "a", "b"])
        #expect(h.history.filter { if case .disconnected = $0 { return true } else { return false } }.count == 1)
    }

    @Test func reconnectResubscribesThenSendsBufferedPublishesInOrder() throws {
        var h = try StateMachineHarness(bufferLimit: 10)
        let id = h.connect()
        #expect(h.machine.subscribe(sid: 1, subject: "a.>", queue: nil) == .send(id, [.sub(subject: "a.>", queueGroup: nil, sid: 1)]))
        #expect(h.machine.subscribe(sid: 2, subject: "b", queue: "q") == .send(id, [.sub(subject: "b", queueGroup: "q", sid: 2)]))
        #expect(h.machine.unsubscribe(sid: 2, max: 5) == .send(id, [.unsub(sid: 2, max: 5)]))
        #expect(h.machine.messageDelivered(sid: 2) == .deliver)
        #expect(h.machine.messageDelivered(sid: 2) == .deliver)

        h.record(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof")))
        #expect(h.machine.publish(ByteBuffer(string: "1234")) == .buffered)
        #expect(h.machine.publish(ByteBuffer(string: "5678")) == .buffered)
        guard case .fail(let full) = h.machine.publish(ByteBuffer(string: "9ab")) else {
            Issue.record("a publish past the bound must fail")
            return
        }
        #expect(full.code == .reconnectBufferFull)
        #expect(h.machine.bufferedBytes == 8)
        // A subscription made while down is sent on reconnect too.
        #expect(h.machine.subscribe(sid: 3, subject: "c", queue: nil) == .nothing)

        h.advance(by: .seconds(1))
        guard let (next, _) = h.opened.last else { return }
        h.record(h.machine.channelActive(next))
        h.record(h.machine.infoReceived(next, .test()))
        let actions = h.machine.pongReceived(next)
        #expect(
            actions.first
                == .established(
                    next, .test(),
                    resend: [
                        .sub(subject: "a.>", queueGroup: nil, sid: 1), .sub(subject: "b", queueGroup: "q", sid: 2),
                        .unsub(sid: 2, max: 3), .sub(subject: "c", queueGroup: nil, sid: 3),
                    ],
                    buffered: [ByteBuffer(string: "1234"), ByteBuffer(string: "5678")], isReconnect: true))
        #expect(h.machine.bufferedBytes == 0)
        #expect(h.machine.publish(ByteBuffer(string: "x")) == .write(next))
    }

    @Test func autoUnsubscribeDeliversTheLastThenDrops() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        _ = h.machine.subscribe(sid: 4, subject: "x", queue: nil)
        #expect(h.machine.unsubscribe(sid: 4, max: 2) == .send(id, [.unsub(sid: 4, max: 2)]))
        #expect(h.machine.messageDelivered(sid: 4) == .deliver)
        #expect(h.machine.messageDelivered(sid: 4) == .deliverLast)
        #expect(h.machine.messageDelivered(sid: 4) == .drop)
        #expect(h.machine.subscriptions.isEmpty)
    }

    @Test func nonFatalServerErrorKeepsTheConnection() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        #expect(h.machine.serverError(id, "Permissions Violation for Publish to foo") == [.reportServerError("Permissions Violation for Publish to foo")])
        #expect(h.machine.isConnected)
        #expect(h.machine.serverError(id, "Maximum Payload Violation") == [.closeConnection(id)])
    }

    @Test func eventsOfAnOlderConnectionAreIgnored() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        h.record(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof")))
        h.advance(by: .seconds(1))
        #expect(h.machine.pongReceived(id) == [])
        #expect(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "late")) == [])
        #expect(h.machine.timerFired(.ping(id)) == [])
        #expect(h.machine.serverError(id, "Authorization Violation") == [])
    }

    @Test func givesUpAfterMaxReconnectAttempts() throws {
        var h = try StateMachineHarness(reconnect: .init(initialDelay: .milliseconds(10), maxDelay: .milliseconds(10), maxAttempts: 2))
        let id = h.connect()
        h.record(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof")))
        h.advance(by: .seconds(1))
        h.record(h.machine.connectionLost(2, error: NATSError(.connectionFailed, reason: "refused")))
        h.advance(by: .seconds(1))
        let last = h.machine.connectionLost(3, error: NATSError(.connectionFailed, reason: "refused"))
        guard case .closed(let error?) = last.last else {
            Issue.record("expected closed with an error, got \(last)")
            return
        }
        #expect(error.code == .connectionClosed)
        #expect(h.machine.isClosed)
        guard case .fail(let closed) = h.machine.publish(ByteBuffer(string: "x")) else {
            Issue.record("publish after close must fail")
            return
        }
        #expect(closed.code == .connectionClosed)
    }

    @Test func tlsURLAndTLSRequiredInfoUpgradeBeforeConnect() throws {
        var h = try StateMachineHarness(servers: ["tls://nats.example:4443"])
        h.record(h.machine.start())
        h.record(h.machine.channelActive(1))
        #expect(h.machine.infoReceived(1, .test()) == [.upgradeTLS(1, host: "nats.example")])
        #expect(h.machine.tlsEstablished(1) == [.send(1, [expectedConnect(tls: true), .ping])])

        var required = try StateMachineHarness()
        required.record(required.machine.start())
        required.record(required.machine.channelActive(1))
        #expect(required.machine.infoReceived(1, .test(tlsRequired: true)) == [.upgradeTLS(1, host: "127.0.0.1")])
    }

    @Test func flushCompletesInPingOrderAndFailsOnDisconnect() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        #expect(h.machine.flush(10) == .send(id, [.ping]))
        #expect(h.machine.flush(11) == .send(id, [.ping]))
        #expect(h.machine.pongReceived(id) == [.succeedFlush(10)])
        #expect(h.machine.flush(12) == .send(id, [.ping]))
        let lost = h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof"))
        #expect(lost.first == .failFlushes([11, 12], NATSError(.disconnected, reason: "")))
        guard case .fail = h.machine.flush(13) else {
            Issue.record("flush while down must fail")
            return
        }
    }

    @Test func discoveredServersJoinThePool() throws {
        var h = try StateMachineHarness(servers: ["nats://127.0.0.1:4222"])
        let id = h.connect(info: .test(connectURLs: ["127.0.0.1:4222", "127.0.0.1:4223"]))
        h.record(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof")))
        h.advance(by: .seconds(1))
        #expect(h.opened.map(\.1.port) == [4222, 4223])
    }

    @Test func handshakeTimeoutMovesOn() throws {
        var h = try StateMachineHarness(servers: ["nats://a:1", "nats://b:2"])
        h.record(h.machine.start())
        h.record(h.machine.channelActive(1))
        #expect(h.advance(by: .seconds(2)) == [.closeConnection(1)])
        h.record(h.machine.connectionLost(1, error: NATSError(.disconnected, reason: "closed")))
        #expect(h.opened.map(\.1.host) == ["a", "b"])
    }

    @Test func closeFailsFlushesAndIsFinal() throws {
        var h = try StateMachineHarness()
        let id = h.connect()
        _ = h.machine.flush(1)
        #expect(
            h.machine.close() == [
                .closeConnection(id), .failFlushes([1], NATSError(.connectionClosed, reason: "")), .closed(nil),
            ])
        #expect(h.machine.close() == [])
        #expect(h.machine.connectionLost(id, error: NATSError(.disconnected, reason: "eof")) == [])
    }
}

@Suite struct NATSServerURLTests {
    @Test func parsesSchemesPortsAndCredentials() throws {
        let plain = try NATSServerURL(parsing: "127.0.0.1")
        #expect(plain == NATSServerURL(host: "127.0.0.1", port: 4222))
        let tls = try NATSServerURL(parsing: "tls://user:p%3Ass@nats.example:4443/")
        #expect(tls == NATSServerURL(host: "nats.example", port: 4443, tls: true, auth: .userPassword(user: "user", password: "p:ss")))
        #expect(tls.description == "tls://***@nats.example:4443")
        #expect(try NATSServerURL(parsing: "nats://tok@[::1]:5000") == NATSServerURL(host: "::1", port: 5000, auth: .token("tok")))
    }

    @Test func rejectsBadURLsWithoutEchoingThem() {
        for bad in ["http://x:1", "nats://secret@host:99999", "nats://:1", "nats://host:abc"] {
            #expect(throws: NATSError(.invalidURL, reason: "")) { try NATSServerURL(parsing: bad) }
            do {
                _ = try NATSServerURL(parsing: bad)
            } catch {
                #expect(!error.description.contains("secret"))
            }
        }
    }
}
