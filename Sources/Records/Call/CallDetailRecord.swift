/// One record per session (kind `cdr`): when each phase happened, how it ended, who carried it.
public struct CallDetailRecord: CanonicalRecord, Equatable {
    /// The record kind, `cdr`.
    public static let kind = "cdr"

    /// This record's id (lowercase UUID).
    public let recordID: String
    /// The node that handled the session.
    public let nodeID: String
    /// Voice (INVITE) or message (MESSAGE).
    public let service: ServiceKind
    /// The node's session id.
    public let sessionID: String
    /// When the INVITE/MESSAGE was received, UTC µs.
    public let setupUs: Int64
    /// When the first provisional response (1xx) was seen, UTC µs.
    public let firstProvisionalUs: Int64?
    /// When the first 18x was seen (end of post-dial delay), UTC µs.
    public let firstRingingUs: Int64?
    /// When the call was answered (2xx), UTC µs.
    public let answerUs: Int64?
    /// When the customer's ACK for the 2xx arrived, UTC µs.
    public let ackUs: Int64?
    /// When the session ended, UTC µs.
    public let endUs: Int64
    /// Post-dial delay in ms: setup to first 18x, or to answer when no 18x came; nil when neither happened.
    public let pddMs: Int64?
    /// Talk time in ms: answer to end; 0 when not answered.
    public let durationMs: Int64
    /// The final SIP status code of the session toward the customer.
    public let finalCode: Int
    /// The reason phrase that went with `finalCode`.
    public let finalReason: String?
    /// The Q.850 cause from an RFC 3326 Reason header, when one was seen.
    public let q850Cause: Int?
    /// The Q.850 `text` parameter from that Reason header.
    public let q850Text: String?
    /// Which side ended the session.
    public let releasedBy: ReleasedBy
    /// Why the session ended.
    public let releaseCause: ReleaseCause
    /// The originating carrier.
    public let customerID: String
    /// The provider of the answering attempt, else of the last attempt; nil when none was tried.
    public let providerID: String?
    /// How many provider attempts were made.
    public let attempts: Int
    /// The customer leg.
    public let aLeg: CallLeg
    /// The provider leg of the answering attempt, else of the last attempt.
    public let bLeg: CallLeg?

    /// Creates a CDR; `pddMs` and `durationMs` are derived here from the timestamps.
    public init(
        recordID: String,
        nodeID: String,
        service: ServiceKind,
        sessionID: String,
        setupUs: Int64,
        firstProvisionalUs: Int64?,
        firstRingingUs: Int64?,
        answerUs: Int64?,
        ackUs: Int64?,
        endUs: Int64,
        finalCode: Int,
        finalReason: String?,
        q850Cause: Int?,
        q850Text: String?,
        releasedBy: ReleasedBy,
        releaseCause: ReleaseCause,
        customerID: String,
        providerID: String?,
        attempts: Int,
        aLeg: CallLeg,
        bLeg: CallLeg?
    ) {
        self.recordID = recordID
        self.nodeID = nodeID
        self.service = service
        self.sessionID = sessionID
        self.setupUs = setupUs
        self.firstProvisionalUs = firstProvisionalUs
        self.firstRingingUs = firstRingingUs
        self.answerUs = answerUs
        self.ackUs = ackUs
        self.endUs = endUs
        self.pddMs = (firstRingingUs ?? answerUs).map { Self.milliseconds(from: setupUs, to: $0) }
        self.durationMs = answerUs.map { Self.milliseconds(from: $0, to: endUs) } ?? 0
        self.finalCode = finalCode
        self.finalReason = finalReason
        self.q850Cause = q850Cause
        self.q850Text = q850Text
        self.releasedBy = releasedBy
        self.releaseCause = releaseCause
        self.customerID = customerID
        self.providerID = providerID
        self.attempts = attempts
        self.aLeg = aLeg
        self.bLeg = bLeg
    }

    // Whole milliseconds, truncated; a wall clock stepped backwards yields 0, never a negative span.
    static func milliseconds(from start: Int64, to end: Int64) -> Int64 {
        max(0, end - start) / 1_000
    }
}
