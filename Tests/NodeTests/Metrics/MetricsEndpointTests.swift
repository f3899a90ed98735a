import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Metrics
@testable import Node
import Testing

// Ports 28500-28549 belong to the metrics tests; each test has its own so they can run in parallel.
@Suite struct MetricsEndpointTests {
    private static let quiet = Logger(label: "metrics-test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func endpoint(port: Int, path: String = "/metrics", registry: NodeMetricsRegistry = NodeMetricsRegistry()) -> MetricsEndpoint {
        MetricsEndpoint(settings: MetricsSettings(listen: HostAndPort(host: "127.0.0.1", port: port), path: path), registry: registry, logger: quiet)
    }

    // Starts an endpoint, runs `body`, and stops it whether `body` threw or not (a leaked one would hold its port).
    private func serving(
        port: Int, path: String = "/metrics", registry: NodeMetricsRegistry = NodeMetricsRegistry(),
        _ body: () async throws -> Void
    ) async throws {
        let server = Self.endpoint(port: port, path: path, registry: registry)
        try await server.start()
        do {
            try await body()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func get(_ target: String, port: Int, version: String = "HTTP/1.1", close: Bool = true) async throws -> RawHTTPExchange.Outcome {
        try await RawHTTPExchange.send("GET \(target) \(version)\r\nHost: x\r\n\(close ? "Connection: close\r\n" : "")\r\n", port: port)
    }

    @Test func exportsWhatIsRecordedThroughTheFactoryToARealHTTPClient() async throws {
        let registry = NodeMetricsRegistry()
        let invite = Timer(label: NodeMetricBuckets.setupDelayLabel, dimensions: [("step", "invite")], factory: registry.factory)
        invite.recordNanoseconds(40_000)
        invite.recordNanoseconds(120_000)
        invite.recordNanoseconds(1_200_000)
        Timer(label: NodeMetricBuckets.setupDelayLabel, dimensions: [("step", "answer")], factory: registry.factory).recordNanoseconds(60_000)
        Counter(label: "sipswarm_audit_alerts_total", dimensions: [("alert", "silent"), ("peer", "n2")], factory: registry.factory).increment(by: 2)
        Gauge(label: "sipswarm_active_sessions", factory: registry.factory).record(7)
        try await serving(port: 28500, registry: registry) {
            let url = try #require(URL(string: "http://127.0.0.1:28500/metrics"))
            let (data, response) = try await URLSession.shared.data(from: url)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))

            #expect(lines.contains("# TYPE sipswarm_setup_delay_seconds histogram"))
            // Cumulative counts at the sub-millisecond bounds: 40 µs, 120 µs and 1.2 ms fall in 50 µs, 150 µs and 1.5 ms.
            let inviteBuckets: [(String, Int)] = [
                ("0.000025", 0), ("0.00005", 1), ("0.000075", 1), ("0.0001", 1), ("0.00015", 2), ("0.0002", 2),
                ("0.0003", 2), ("0.0005", 2), ("0.00075", 2), ("0.001", 2), ("0.0015", 3), ("0.002", 3), ("2.5", 3), ("+Inf", 3),
            ]
            for (bound, count) in inviteBuckets {
                let line = "sipswarm_setup_delay_seconds_bucket{step=\"invite\",le=\"\(bound)\"} \(count)"
                #expect(lines.contains(line), "missing \(line)")
            }
            #expect(lines.contains("sipswarm_setup_delay_seconds_count{step=\"invite\"} 3"))
            #expect(lines.contains("sipswarm_setup_delay_seconds_sum{step=\"invite\"} 0.00136"))
            #expect(lines.contains("sipswarm_setup_delay_seconds_bucket{step=\"answer\",le=\"0.00005\"} 0"))
            #expect(lines.contains("sipswarm_setup_delay_seconds_bucket{step=\"answer\",le=\"0.000075\"} 1"))
            let inviteBucketLines = lines.filter { $0.hasPrefix("sipswarm_setup_delay_seconds_bucket{step=\"invite\"") }
            #expect(inviteBucketLines.count == NodeMetricBuckets.setupDelay.count + 1)
            #expect(lines.contains("sipswarm_audit_alerts_total{alert=\"silent\",peer=\"n2\"} 2"))
            #expect(lines.contains { $0.hasPrefix("sipswarm_active_sessions 7") })
        }
    }

    @Test func otherTimersKeepTheDefaultBuckets() {
        let registry = NodeMetricsRegistry()
        Timer(label: "sipswarm_other_seconds", factory: registry.factory).recordNanoseconds(3_000_000)
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("sipswarm_other_seconds_bucket{le=\"0.005\"} 1"))
        #expect(!text.contains("sipswarm_other_seconds_bucket{le=\"0.000025\"}"))
    }

    @Test func headGetsTheHeadersWithoutTheBody() async throws {
        let registry = NodeMetricsRegistry()
        Counter(label: "sipswarm_test_total", factory: registry.factory).increment()
        try await serving(port: 28501, registry: registry) {
            let outcome = try await RawHTTPExchange.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: 28501)
            #expect(outcome.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(outcome.text.lowercased().contains("content-length: \(registry.exposition().count)\r\n"))
            #expect(outcome.text.hasSuffix("\r\n\r\n"))
            #expect(outcome.closedByServer)
        }
    }

    @Test func otherPathsAre404() async throws {
        try await serving(port: 28502) {
            for requestLine in ["GET /", "GET /metrics/", "GET /metricsx", "POST /other", "GET http://127.0.0.1/metrics"] {
                let outcome = try await RawHTTPExchange.send("\(requestLine) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", port: 28502)
                #expect(outcome.text.hasPrefix("HTTP/1.1 404 Not Found\r\n"), "\(requestLine): \(outcome.text)")
            }
        }
    }

    @Test func otherMethodsAre405WithAllow() async throws {
        try await serving(port: 28503) {
            for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
                let outcome = try await RawHTTPExchange.send("\(method) /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", port: 28503)
                #expect(outcome.text.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"), "\(method): \(outcome.text)")
                #expect(outcome.text.lowercased().contains("allow: get, head\r\n"))
            }
        }
    }

    @Test func aQueryStringIsIgnored() async throws {
        try await serving(port: 28504) {
            let outcome = try await get("/metrics?format=text", port: 28504)
            #expect(outcome.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test func anOversizedRequestGets413AndTheConnectionCloses() async throws {
        try await serving(port: 28505) {
            let filler = String(repeating: "a", count: MetricsEndpoint.maxRequestBytes)
            let outcome = try await RawHTTPExchange.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: \(filler)\r\n\r\n", port: 28505)
            #expect(outcome.text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"), "\(outcome.text.prefix(200))")
            #expect(outcome.closedByServer)
            // The endpoint still serves the next client.
            let next = try await get("/metrics", port: 28505)
            #expect(next.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test func keepAliveServesPipelinedRequestsOnOneConnectionAndCloseIsHonoured() async throws {
        try await serving(port: 28506) {
            let kept = try await RawHTTPExchange.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n", port: 28506)
            #expect(kept.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(kept.text.contains("HTTP/1.1 404 Not Found\r\n"))
            #expect(!kept.closedByServer, "an HTTP/1.1 connection without Connection: close stays open")
            let closed = try await get("/metrics", port: 28506)
            #expect(closed.closedByServer)
            #expect(closed.text.lowercased().contains("connection: close\r\n"))
            // HTTP/1.0 closes unless the client asks for keep-alive.
            let old = try await get("/metrics", port: 28506, version: "HTTP/1.0", close: false)
            #expect(old.text.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(old.closedByServer)
        }
    }

    @Test func aMalformedRequestGets400AndTheConnectionCloses() async throws {
        try await serving(port: 28507) {
            let outcome = try await RawHTTPExchange.send("NOT HTTP AT ALL\r\n\r\n", port: 28507)
            #expect(outcome.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(outcome.text)")
            #expect(outcome.closedByServer)
        }
    }

    @Test func aPortInUseFailsTheStartWithOneLine() async throws {
        let port = 28508
        let second = Self.endpoint(port: port)
        try await serving(port: port) {
            let error = await #expect(throws: NodeStartError.self) { try await second.start() }
            let line = error?.description ?? ""
            #expect(line.hasPrefix("cannot listen on metrics tcp:127.0.0.1:\(port): "), "\(line)")
            #expect(line.contains("Address already in use"), "\(line)")
            #expect(!line.contains("\n"))
        }
        // A failed start leaves the endpoint able to try again once the port is free.
        try await second.start()
        await second.stop()
    }

    @Test func stopClosesTheSocketAndIsIdempotent() async throws {
        let server = Self.endpoint(port: 28509)
        try await server.start()
        let open = try await get("/metrics", port: 28509)
        #expect(open.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        await server.stop()
        await server.stop()
        await #expect(throws: RawHTTPExchange.SocketError.self) { _ = try await get("/metrics", port: 28509) }
    }

    @Test func aConfiguredPathReplacesTheDefault() async throws {
        try await serving(port: 28510, path: "/node/metrics") {
            let custom = try await get("/node/metrics", port: 28510)
            let plain = try await get("/metrics", port: 28510)
            #expect(custom.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(plain.text.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        }
    }
}
