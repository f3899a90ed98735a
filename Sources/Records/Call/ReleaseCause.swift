/// Why the session ended.
public enum ReleaseCause: String, Sendable, Equatable, CaseIterable {
    /// A BYE after answer, or a final response to the request.
    case normal
    /// The customer sent CANCEL before answer.
    case cancel
    /// No final answer within the node's setup timers.
    case timeout
    /// The call reached its maximum duration.
    case maxDuration = "max_duration"
    /// The node was draining and ended the call.
    case drain
    /// A local failure (no route, transport error, internal error).
    case failure
    /// The customer never acknowledged the 2xx.
    case noAck = "no_ack"
    /// A session timer (RFC 4028) expired without refresh.
    case sessionTimer = "session_timer"
    /// The node entered CDR Restriction (local record writes failing) and ended the call.
    case restriction
    /// The node crashed with the call up; the CDR was rebuilt from the live-session journal at the next start.
    case nodeFailure = "node_failure"
}
