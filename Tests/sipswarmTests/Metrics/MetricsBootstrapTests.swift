import Node
import Testing

// `serve` bootstraps the process's metrics system; a second bootstrap must not trap (MetricsSystem.bootstrap does).
// This is the only test of this process that bootstraps, so it owns the process-wide state it leaves behind.
@Suite struct MetricsBootstrapTests {
    @Test func bootstrapHappensOnceAndTheFirstRegistryStays() {
        let first = NodeMetricsRegistry()
        let second = NodeMetricsRegistry()
        #expect(NodeMetricsBootstrap.bootstrapOnce(first) === first)
        #expect(NodeMetricsBootstrap.bootstrapOnce(second) === first)
        #expect(NodeMetricsBootstrap.processRegistry === first)
    }
}
