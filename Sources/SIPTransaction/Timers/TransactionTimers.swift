/// The RFC 3261 base timer values and the transaction timer durations derived from them.
public struct TransactionTimers: Sendable, Hashable {
    /// Round-trip time estimate (RFC 3261 default 500 ms).
    public let t1: Duration
    /// Maximum retransmission interval for non-INVITE requests and INVITE responses (default 4 s).
    public let t2: Duration
    /// Maximum time a message remains in the network (default 5 s).
    public let t4: Duration

    /// Creates timer values; RFC 3261 allows operators to raise T1 and T2 on slow links.
    public init(t1: Duration, t2: Duration, t4: Duration) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// The RFC 3261 defaults: T1 500 ms, T2 4 s, T4 5 s.
    public static let rfc3261 = TransactionTimers(t1: .milliseconds(500), t2: .seconds(4), t4: .seconds(5))

    /// 64*T1, the common transaction timeout used by Timers B, F, H, J, L and M.
    public var timeout: Duration { t1 * 64 }
    /// Timer B: client INVITE transaction timeout.
    public var timerB: Duration { timeout }
    /// Timer D for an unreliable transport; RFC 3261 requires at least 32 s, so it is never below that.
    public var timerD: Duration { max(.seconds(32), timeout) }
    /// Timer F: client non-INVITE transaction timeout.
    public var timerF: Duration { timeout }
    /// Timer H: server INVITE wait for ACK.
    public var timerH: Duration { timeout }
    /// Timer I for an unreliable transport.
    public var timerI: Duration { t4 }
    /// Timer J for an unreliable transport.
    public var timerJ: Duration { timeout }
    /// Timer K for an unreliable transport.
    public var timerK: Duration { t4 }
    /// Timer L: server INVITE Accepted state lifetime.
    public var timerL: Duration { timeout }
    /// Timer M: client INVITE Accepted state lifetime.
    public var timerM: Duration { timeout }

    /// The next retransmission interval: double the current one, capped at T2.
    func doubledCapped(_ interval: Duration) -> Duration {
        min(interval * 2, t2)
    }
}
