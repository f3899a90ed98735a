import Metrics
import NIOCore

/// The engine's swift-metrics instruments, made once with the engine (a metric object per call would cost a factory
/// lookup, and with most back-ends a lock, per call). Whatever back-end the process bootstrapped exports them.
struct EngineMetrics {
    static let setupDelayLabel = "sipswarm_setup_delay_seconds"
    static let activeSessionsLabel = "sipswarm_active_sessions"

    /// Customer INVITE received → first INVITE to a provider handed to the transport.
    let inviteDelay: Metrics.Timer
    /// Provider 200 OK received → relayed 200 OK to the customer handed to the transport.
    let answerDelay: Metrics.Timer
    /// Sessions in progress (a gauge: the last value counts, not a sum).
    let activeSessions: Gauge

    /// `factory` nil uses the global metrics system (what `serve` does); tests pass a `TestMetrics`.
    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        inviteDelay = Metrics.Timer(label: Self.setupDelayLabel, dimensions: [("step", "invite")], factory: factory)
        answerDelay = Metrics.Timer(label: Self.setupDelayLabel, dimensions: [("step", "answer")], factory: factory)
        activeSessions = Gauge(label: Self.activeSessionsLabel, factory: factory)
    }

    /// Records the time from `start` to now on `timer`. The stamps come from NIO's monotonic clock (`NIODeadline.now()`),
    /// never from the loop's clock, which an embedded test loop stops.
    static func record(_ timer: Metrics.Timer, since start: NIODeadline) {
        let elapsed = NIODeadline.now() - start
        timer.recordNanoseconds(max(0, elapsed.nanoseconds))
    }
}
