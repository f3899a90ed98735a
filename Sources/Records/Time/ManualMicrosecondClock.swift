import Synchronization

/// A clock that only moves when told to; for tests that drive time.
public final class ManualMicrosecondClock: MicrosecondClock {
    private let now: Mutex<Int64>

    /// Creates a clock reading `start` microseconds since the epoch.
    public init(_ start: Int64 = 0) {
        self.now = Mutex(start)
    }

    /// The time the clock was last set to.
    public func nowMicroseconds() -> Int64 {
        now.withLock { $0 }
    }

    /// Sets the clock to `microseconds` since the epoch.
    public func set(_ microseconds: Int64) {
        now.withLock { $0 = microseconds }
    }

    /// Moves the clock forward by `microseconds` and returns the new reading.
    @discardableResult
    public func advance(by microseconds: Int64) -> Int64 {
        now.withLock { value in
            value += microseconds
            return value
        }
    }
}
