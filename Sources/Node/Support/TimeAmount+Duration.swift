import NIOCore

extension TimeAmount {
    /// Converts a Swift `Duration` (config and transaction timers) to NIO's scheduling unit.
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }
}
