public import Metrics
import Prometheus

/// The node's Prometheus registry and the swift-metrics factory that records into it.
///
/// `serve` makes one, bootstraps the process's metrics system with its ``factory`` and hands it to the node, whose
/// endpoint exports whatever was recorded. Tests make their own and record through ``factory`` directly, so many nodes
/// in one process never touch the process-wide bootstrap.
public final class NodeMetricsRegistry: Sendable {
    /// Records into this registry; Timers get the buckets of ``NodeMetricBuckets`` for their label.
    public let factory: any MetricsFactory
    private let registry: PrometheusCollectorRegistry

    /// Creates an empty registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = NodeMetricBuckets.durationBuckets
        self.registry = registry
        self.factory = factory
    }

    /// Every series in the Prometheus text exposition format 0.0.4, UTF-8.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
