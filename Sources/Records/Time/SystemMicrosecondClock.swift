#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's real-time clock (`clock_gettime(CLOCK_REALTIME)`), truncated to microseconds.
public struct SystemMicrosecondClock: MicrosecondClock {
    /// Creates the system clock.
    public init() {}

    /// The current time in UTC microseconds since the epoch.
    public func nowMicroseconds() -> Int64 {
        var spec = timespec()
        // CLOCK_REALTIME cannot fail with a valid pointer; a zeroed timespec is the fallback anyway.
        _ = clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
