public import Records

/// CDR Restriction (DESIGN invariant 7) as a pure value: the record writer feeds it the outcome of every
/// write cycle and performs the actions it returns. No I/O, no clock: times come with the events.
///
/// `failures` consecutive failed cycles (open, write or fsync) enter restriction; while restricted every
/// successful cycle is a probe, and `probeSuccesses` consecutive probes (or a manual release) leave it.
public struct RestrictionStateMachine: Sendable, Equatable {
    /// Where the machine is.
    public enum State: Sendable, Hashable {
        /// Records are written; `consecutiveFailures` failed cycles in a row so far.
        case normal(consecutiveFailures: Int)
        /// New sessions are refused since `since` (µs); `probeSuccesses` successful cycles in a row so far.
        case restricted(since: Int64, probeSuccesses: Int)
    }

    /// What happened to one write cycle, or what the operator did.
    public enum Event: Sendable {
        /// A cycle's open, write or fsync failed.
        case writeFailed(RecordSinkError, at: Int64)
        /// A cycle wrote and synced everything it had (or, while restricted, a probe write succeeded).
        case writeSucceeded(at: Int64)
        /// `sipswarm admin unrestrict`.
        case manualRelease(at: Int64)
    }

    /// What the writer must do.
    public enum Action: Sendable, Equatable {
        /// Tell the node to refuse (`true`) or accept again (`false`) new sessions.
        case notifyNode(restricted: Bool)
        /// A log line at critical level.
        case logCritical(String)
        /// A log line at notice level (nothing changes).
        case logNotice(String)
        /// Append these fields as the next record of the `audit` chain.
        case queueAudit([String: CanonicalJSON])
    }

    /// Consecutive failed cycles that enter restriction.
    public let failures: Int
    /// Consecutive successful probes that leave it.
    public let probeSuccesses: Int
    /// Where the machine is now.
    public private(set) var state: State = .normal(consecutiveFailures: 0)

    /// A machine in `normal`; both thresholds are at least 1.
    public init(failures: Int = 3, probeSuccesses: Int = 3) {
        self.failures = max(1, failures)
        self.probeSuccesses = max(1, probeSuccesses)
    }

    /// Whether new sessions must be refused.
    public var isRestricted: Bool {
        switch state {
        case .normal: false
        case .restricted: true
        }
    }

    /// Applies one event and returns the actions, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.normal(let count), .writeFailed(let error, let time)):
            let failed = count + 1
            guard failed >= failures else {
                state = .normal(consecutiveFailures: failed)
                return []
            }
            state = .restricted(since: time, probeSuccesses: 0)
            let reason = "\(failed) consecutive failed writes; last: \(error.code): \(error.reason)"
            return [
                .notifyNode(restricted: true),
                .logCritical("CDR restriction started: \(reason)"),
                .queueAudit([
                    "event": .string("restriction_started"),
                    "time_us": .integer(time),
                    "reason": .string(reason),
                    "error_code": .string(error.code.description),
                    "failures": .integer(Int64(failed)),
                ]),
            ]
        case (.normal, .writeSucceeded):
            state = .normal(consecutiveFailures: 0)
            return []
        case (.normal, .manualRelease):
            return [.logNotice("unrestrict requested while the node is not in CDR restriction; nothing to do")]
        case (.restricted(let since, _), .writeFailed):
            state = .restricted(since: since, probeSuccesses: 0)
            return []
        case (.restricted(let since, let count), .writeSucceeded(let time)):
            let succeeded = count + 1
            guard succeeded >= probeSuccesses else {
                state = .restricted(since: since, probeSuccesses: succeeded)
                return []
            }
            return leave(since: since, at: time, releasedBy: "probe", detail: "\(succeeded) successful probe writes")
        case (.restricted(let since, _), .manualRelease(let time)):
            return leave(since: since, at: time, releasedBy: "admin", detail: "sipswarm admin unrestrict")
        }
    }

    private mutating func leave(since: Int64, at time: Int64, releasedBy: String, detail: String) -> [Action] {
        state = .normal(consecutiveFailures: 0)
        let duration = max(0, time - since)
        return [
            .notifyNode(restricted: false),
            .logCritical("CDR restriction ended after \(duration / 1_000) ms: \(detail)"),
            .queueAudit([
                "event": .string("restriction_ended"),
                "time_us": .integer(time),
                "started_us": .integer(since),
                "duration_us": .integer(duration),
                "released_by": .string(releasedBy),
            ]),
        ]
    }
}
