/// One provider attempt as the node measured it; times are UTC microseconds.
public struct AttemptSample: Hashable, Sendable {
    /// When the attempt ended (its outcome was known).
    public let timeMicros: Int64
    /// True when the provider answered (2xx).
    public let answered: Bool
    /// Post-dial delay: INVITE sent to first 18x (or to the answer without 18x); nil when neither came.
    public let pddMicros: Int64?
    /// Call duration from answer to end; nil when not answered.
    public let durationMicros: Int64?
    /// Signalling latency: INVITE sent to the first response of any kind (usually 100 Trying).
    public let latencyMicros: Int64?

    /// A sample; negative durations are stored as 0.
    public init(timeMicros: Int64, answered: Bool, pddMicros: Int64? = nil, durationMicros: Int64? = nil, latencyMicros: Int64? = nil) {
        self.timeMicros = timeMicros
        self.answered = answered
        self.pddMicros = pddMicros.map { max($0, 0) }
        self.durationMicros = durationMicros.map { max($0, 0) }
        self.latencyMicros = latencyMicros.map { max($0, 0) }
    }
}
