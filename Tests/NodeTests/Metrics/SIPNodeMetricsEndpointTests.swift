import Logging
import Metrics
@testable import Node
import RecordStore
import Testing

// The endpoint follows the node's lifecycle: up with `start()`, gone after the drain; a port in use stops the start.
@Suite struct SIPNodeMetricsEndpointTests {
    private let quiet = Logger(label: "metrics-node-test", factory: { _ in SwiftLogNoOpLogHandler() })

    private func configuration(sipPort: Int, metricsPort: Int) -> NodeConfiguration {
        NodeConfiguration(
            nodeID: "m1",
            listen: [ListenAddress(transport: .udp, host: "127.0.0.1", port: sipPort)],
            drainTimeout: .seconds(1),
            customers: [CustomerTrunk(id: "c1", addresses: [AddressPrefix(ipv4: 127, 0, 0, 1)])],
            providers: [ProviderTrunk(id: "p1", host: "127.0.0.1", port: sipPort + 1, transport: .udp, priority: 1)],
            metrics: MetricsSettings(listen: HostAndPort(host: "127.0.0.1", port: metricsPort))
        )
    }

    @Test func theNodeServesItsRegistryWhileItRunsAndNotAfter() async throws {
        let registry = NodeMetricsRegistry()
        Counter(label: "sipswarm_node_test_total", factory: registry.factory).increment(by: 3)
        let node = SIPNode(configuration: configuration(sipPort: 28520, metricsPort: 28522), sink: InMemoryRecordSink(), logger: quiet, metrics: registry)
        try await node.start()
        let outcome = try await RawHTTPExchange.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: 28522)
        await node.drainAndStop()
        #expect(outcome.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(outcome.text.contains("\nsipswarm_node_test_total 3\n"))
        await #expect(throws: RawHTTPExchange.SocketError.self) {
            _ = try await RawHTTPExchange.send("GET /metrics HTTP/1.1\r\n\r\n", port: 28522)
        }
    }

    @Test func aMetricsPortInUseRefusesTheStartWithOneLine() async throws {
        let holder = MetricsEndpointTests.endpoint(port: 28525)
        try await holder.start()
        let node = SIPNode(configuration: configuration(sipPort: 28523, metricsPort: 28525), sink: InMemoryRecordSink(), logger: quiet)
        let error = await #expect(throws: NodeStartError.self) { try await node.start() }
        await holder.stop()
        let line = error?.description ?? ""
        #expect(line.hasPrefix("cannot listen on metrics tcp:127.0.0.1:28525: "), "\(line)")
        #expect(line.contains("Address already in use"))
        #expect(!line.contains("\n"))
        // The SIP socket was not left bound: a second node takes it.
        let second = SIPNode(configuration: configuration(sipPort: 28523, metricsPort: 28526), sink: InMemoryRecordSink(), logger: quiet)
        try await second.start()
        await second.drainAndStop()
    }

    @Test func withoutAMetricsSectionThereIsNoEndpoint() async throws {
        var settings = configuration(sipPort: 28527, metricsPort: 28529)
        settings.metrics = nil
        let node = SIPNode(configuration: settings, sink: InMemoryRecordSink(), logger: quiet)
        try await node.start()
        await #expect(throws: RawHTTPExchange.SocketError.self) {
            _ = try await RawHTTPExchange.send("GET /metrics HTTP/1.1\r\n\r\n", port: 28529)
        }
        await node.drainAndStop()
    }
}
