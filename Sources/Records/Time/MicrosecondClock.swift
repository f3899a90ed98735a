/// A wall clock in UTC microseconds since the Unix epoch; the one time source for record timestamps.
public protocol MicrosecondClock: Sendable {
    /// The current time in UTC microseconds since 1970-01-01T00:00:00Z.
    func nowMicroseconds() -> Int64
}
