/// Histogram buckets for the node's swift-metrics Timers, by label.
///
/// swift-prometheus' default duration buckets start at 5 ms; the delay the node adds to a call setup is a few
/// hundred microseconds, so its histogram needs sub-millisecond buckets to give a p50/p99 at all (issue 9 compares
/// the p99 with 2 ms).
public enum NodeMetricBuckets {
    /// Timer of the delay the node adds to a call setup, by `step`: `invite` (INVITE in to INVITE out) and `answer`
    /// (200 in to 200 out). Recorded by the engine; exported in seconds.
    public static let setupDelayLabel = "sipswarm_setup_delay_seconds"

    /// 25 µs to 2.5 s: fine below 1 ms where a healthy node is, coarse above where only overload goes.
    public static let setupDelay: [Duration] = [
        .microseconds(25), .microseconds(50), .microseconds(75), .microseconds(100), .microseconds(150),
        .microseconds(200), .microseconds(300), .microseconds(500), .microseconds(750),
        .milliseconds(1), .microseconds(1500), .milliseconds(2), .milliseconds(3), .milliseconds(5),
        .microseconds(7500), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
    ]

    /// Buckets by Timer label; any other Timer gets swift-prometheus' defaults (5 ms to 10 s).
    public static let durationBuckets: [String: [Duration]] = [setupDelayLabel: setupDelay]
}
