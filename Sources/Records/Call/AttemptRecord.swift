/// One record per provider attempt of a session (kind `attempt`).
public struct AttemptRecord: CanonicalRecord, Equatable {
    /// The record kind, `attempt`.
    public static let kind = "attempt"

    /// This record's id (lowercase UUID).
    public let recordID: String
    /// The node that handled the session.
    public let nodeID: String
    /// The node's session id.
    public let sessionID: String
    /// The id of the session's CDR.
    public let cdrRecordID: String
    /// 1-based position of this attempt within the session.
    public let attemptNumber: Int
    /// The provider tried.
    public let providerID: String
    /// The B leg's Call-ID.
    public let bLegCallID: String?
    /// Where the attempt's INVITE/MESSAGE was sent, e.g. `udp:127.0.0.1:5080`.
    public let destination: String
    /// When the attempt's request was sent, UTC µs.
    public let startMicros: Int64
    /// When the attempt ended, UTC µs.
    public let endMicros: Int64
    /// The provider's final response code; nil when none came.
    public let responseCode: Int?
    /// The reason phrase of that response, or the node's reason for ending the attempt.
    public let reason: String?
    /// How the attempt ended.
    public let outcome: AttemptOutcome
    /// The Receipt GUID this attempt's provider proposed in its 2xx; `voided` for a losing parallel leg.
    public let receipt: Receipt?

    /// Creates an attempt record.
    public init(
        recordID: String,
        nodeID: String,
        sessionID: String,
        cdrRecordID: String,
        attemptNumber: Int,
        providerID: String,
        bLegCallID: String?,
        destination: String,
        startMicros: Int64,
        endMicros: Int64,
        responseCode: Int?,
        reason: String?,
        outcome: AttemptOutcome,
        receipt: Receipt? = nil
    ) {
        self.recordID = recordID
        self.nodeID = nodeID
        self.sessionID = sessionID
        self.cdrRecordID = cdrRecordID
        self.attemptNumber = attemptNumber
        self.providerID = providerID
        self.bLegCallID = bLegCallID
        self.destination = destination
        self.startMicros = startMicros
        self.endMicros = endMicros
        self.responseCode = responseCode
        self.reason = reason
        self.outcome = outcome
        self.receipt = receipt
    }

    /// The attempt as a canonical JSON object; nil fields are omitted.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "kind": .string(Self.kind),
            "node": .string(nodeID),
            "id": .string(recordID),
            "session_id": .string(sessionID),
            "cdr_id": .string(cdrRecordID),
            "attempt": .integer(attemptNumber),
            "provider_id": .string(providerID),
            "b_call_id": bLegCallID.map(CanonicalJSON.string),
            "destination": .string(destination),
            "start_us": .integer(startMicros),
            "end_us": .integer(endMicros),
            "response_code": responseCode.map(CanonicalJSON.integer),
            "reason": reason.map(CanonicalJSON.string),
            "outcome": .string(outcome.rawValue),
            "receipt": receipt?.canonicalJSON(),
        ])
    }

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("attempt", attemptNumber)
        writer.member("b_call_id", bLegCallID)
        writer.member("cdr_id", cdrRecordID)
        writer.member("destination", destination)
        writer.member("end_us", endMicros)
        writer.member("id", recordID)
        writer.member("kind", Self.kind)
        writer.member("node", nodeID)
        writer.member("outcome", outcome.rawValue)
        writer.member("provider_id", providerID)
        writer.member("reason", reason)
        writer.member("receipt", object: receipt)
        writer.member("response_code", responseCode)
        writer.member("session_id", sessionID)
        writer.member("start_us", startMicros)
    }
}
