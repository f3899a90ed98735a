/// JetStream durations are integer nanoseconds on the wire.
extension Duration {
    /// Saturates instead of trapping for durations past ±292 years.
    var jetStreamNanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    init(jetStreamNanoseconds nanoseconds: Int64) {
        self = .nanoseconds(nanoseconds)
    }
}
