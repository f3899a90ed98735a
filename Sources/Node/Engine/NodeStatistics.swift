import NIOCore
import Logging
/// Counters kept by the engine on its event loop; copied out for summaries and logs.
public struct NodeStatistics: Sendable, Equatable {
    public var requests: UInt64 = 0
    public var responses: UInt64 = 0
    public var malformed: UInt64 = 0
    public var badRequestsAnswered: UInt64 = 0
    public var forbidden: UInt64 = 0
    public var refusedWhileDraining: UInt64 = 0
    /// New INVITE/MESSAGE answered 503 because the node was in CDR Restriction.
    public var refusedWhileRestricted: UInt64 = 0
    /// Sessions the node ended because it entered CDR Restriction.
    public var endedByRestriction: UInt64 = 0
    /// New INVITE/MESSAGE refused by rating: no rate for the destination in the customer's deck (404), or rating failed.
    public var refusedUnrated: UInt64 = 0
    public var sessionsStarted: UInt64 = 0
    public var sessionsEnded: UInt64 = 0
    public var answered: UInt64 = 0
    public var attempts: UInt64 = 0
    public var failovers: UInt64 = 0
    public var recordsEmitted: UInt64 = 0
    /// RFC 6035 vq-rtcpxr reports attached to a live session, and those for no live session (accepted, not kept).
    public var qualityReportsAttached: UInt64 = 0
    public var qualityReportsUnmatched: UInt64 = 0

    public init() {}
}
