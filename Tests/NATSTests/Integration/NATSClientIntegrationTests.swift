import NIOCore
import Testing
@testable import NATS

extension NATSIntegrationTests {
    /// The core client against a real nats-server.
    @Suite(.serialized) struct Client {
        @Test func publishSubscribeRoundTripWithHeaders() async throws {
            let server = NATSServerProcess(port: 26701, jetStream: false)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            #expect(client.serverInfo?.headers == true)
            let collector = Collector(try client.subscribe(to: "rt.>"))
            try await client.flush()

            var headers = NATSHeaders()
            headers.add(name: "Nats-Msg-Id", value: "n1.cdr.1")
            headers.add(name: "X-Kind", value: "a")
            headers.add(name: "X-Kind", value: "b")
            try await client.publish("rt.one", payload: ByteBuffer(string: "hello"), headers: headers)
            try await client.publish("rt.two", payload: ByteBuffer(string: "plain"))
            let messages = try await collector.wait(for: 2)
            #expect(messages.map(\.subject) == ["rt.one", "rt.two"])
            #expect(messages[0].string == "hello")
            #expect(messages[0].headers?["nats-msg-id"] == "n1.cdr.1")
            #expect(messages[0].headers?.values(for: "X-Kind") == ["a", "b"])
            #expect(messages[1].headers == nil)
            #expect(messages[1].string == "plain")
            await client.close()
        }

        @Test func queueGroupsAndAutoUnsubscribe() async throws {
            let server = NATSServerProcess(port: 26702, jetStream: false)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let limited = try client.subscribe(to: "au")
            limited.unsubscribe(afterMessages: 2)
            let limitedCollector = Collector(limited)
            let q1 = Collector(try client.subscribe(to: "qg", queue: "workers"))
            let q2 = Collector(try client.subscribe(to: "qg", queue: "workers"))
            try await client.flush()
            for i in 0..<5 { try await client.publish("au", payload: ByteBuffer(string: "\(i)")) }
            for i in 0..<20 { try await client.publish("qg", payload: ByteBuffer(string: "\(i)")) }
            try await client.flush()
            try await eventually("20 queue messages") { q1.received.count + q2.received.count == 20 }
            #expect(try await limitedCollector.wait(for: 2).map(\.string) == ["0", "1"])
            try await Task.sleep(for: .milliseconds(100))
            #expect(limitedCollector.received.count == 2, "auto-unsubscribe after 2 must stop deliveries")
            await client.close()
        }

        @Test func requestReplyThroughOneInboxWithBoundedInFlight() async throws {
            let server = NATSServerProcess(port: 26703, jetStream: false)
            try await server.start()
            defer { server.stop() }
            var options = testOptions()
            options.maxInFlightRequests = 4
            let client = try await NATSClient.connect(urls: [server.url], options: options)
            let service = try client.subscribe(to: "svc.echo")
            let responder = Task {
                for await request in service {
                    guard let replyTo = request.replyTo else { continue }
                    try? await client.publish(replyTo, payload: ByteBuffer(string: "echo:" + request.string))
                }
            }
            try await client.flush()
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let reply = try await client.request("svc.echo", payload: ByteBuffer(string: "\(i)"))
                        return (i, reply.string)
                    }
                }
                var answers: [Int: String] = [:]
                for try await (i, answer) in group { answers[i] = answer }
                return answers
            }
            #expect(answers.count == 40)
            #expect(answers.allSatisfy { $0.value == "echo:\($0.key)" })
            responder.cancel()
            await client.close()
        }

        @Test func noRespondersIsATypedErrorAndImmediate() async throws {
            let server = NATSServerProcess(port: 26704, jetStream: false)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let started = ContinuousClock.now
            await #expect(throws: NATSError(.noResponders, reason: "")) {
                _ = try await client.request("nobody.home", payload: ByteBuffer(string: "?"), timeout: .seconds(2))
            }
            #expect(ContinuousClock.now - started < .seconds(1), "503 must come back at once, not after the timeout")
            await client.close()
        }

        @Test func userPasswordAuthAndWrongPassword() async throws {
            let server = NATSServerProcess(port: 26705, jetStream: false, extraArguments: ["--user", "alice", "--pass", "s3cret"])
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(
                urls: [server.url], options: testOptions(auth: .userPassword(user: "alice", password: "s3cret")))
            try await client.flush()
            await client.close()

            let viaURL = try await NATSClient.connect(urls: ["nats://alice:s3cret@127.0.0.1:26705"], options: testOptions())
            try await viaURL.flush()
            await viaURL.close()

            do {
                _ = try await NATSClient.connect(
                    urls: [server.url], options: testOptions(auth: .userPassword(user: "alice", password: "wrong-pw")))
                Issue.record("a wrong password must not connect")
            } catch {
                #expect(error.code == .authorizationViolation)
                #expect(!error.description.contains("wrong-pw"))
            }
        }

        @Test func refusedConnectionIsATypedError() async throws {
            await #expect(throws: NATSError(.connectionFailed, reason: "")) {
                _ = try await NATSClient.connect(urls: ["nats://127.0.0.1:26799"], options: testOptions())
            }
        }

        @Test func reconnectResubscribesAndSendsBufferedPublishes() async throws {
            let server = NATSServerProcess(port: 26706, jetStream: false)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let collector = Collector(try client.subscribe(to: "rc.>"))
            try await client.publish("rc.before", payload: ByteBuffer(string: "0"))
            _ = try await collector.wait(for: 1)

            server.kill()
            try await eventually("the client to notice the lost server") { !client.isConnected }
            for i in 1...3 {
                try await client.publish("rc.during", payload: ByteBuffer(string: "\(i)"))
            }
            try await server.start()
            let messages = try await collector.wait(for: 4, timeout: .seconds(10))
            #expect(messages.map(\.string) == ["0", "1", "2", "3"])
            // The connection works normally afterwards.
            try await client.flush()
            await client.close()
        }

        @Test func drainDeliversWhatWasSentThenEndsSubscriptions() async throws {
            let server = NATSServerProcess(port: 26707, jetStream: false)
            try await server.start()
            defer { server.stop() }
            let client = try await NATSClient.connect(urls: [server.url], options: testOptions())
            let subscription = try client.subscribe(to: "dr")
            try await client.flush()
            for i in 0..<100 { try await client.publish("dr", payload: ByteBuffer(string: "\(i)")) }
            try await client.flush()
            await client.drain()
            var count = 0
            for await _ in subscription { count += 1 }
            #expect(count == 100)
            await #expect(throws: NATSError(.connectionClosed, reason: "")) {
                try await client.publish("dr", payload: ByteBuffer(string: "late"))
            }
        }
    }
}
