import Metrics
import Synchronization

/// The process-wide swift-metrics bootstrap, done at most once.
///
/// `MetricsSystem.bootstrap` traps on a second call; `serve` calls ``bootstrapOnce(_:)`` before it creates anything
/// that records (Counters and Timers made earlier stay on the no-op handler). Nothing else in the node bootstraps, so
/// tests that run many nodes in one process never reach it.
public enum NodeMetricsBootstrap {
    private static let installed = Mutex<NodeMetricsRegistry?>(nil)

    /// Bootstraps the metrics system with `registry`'s factory the first time; returns the registry in force, which
    /// is the first one ever passed.
    @discardableResult
    public static func bootstrapOnce(_ registry: NodeMetricsRegistry) -> NodeMetricsRegistry {
        installed.withLock { current in
            if let current { return current }
            MetricsSystem.bootstrap(registry.factory)
            current = registry
            return registry
        }
    }

    /// The registry the process was bootstrapped with, if any.
    public static var processRegistry: NodeMetricsRegistry? {
        installed.withLock { $0 }
    }
}
