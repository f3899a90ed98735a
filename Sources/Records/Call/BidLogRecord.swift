/// One bid round with one provider (kind `bidlog`): immutable evidence of how a price was negotiated. The node writes
/// one per round, chained like every record. Amounts are decimal strings with six fraction digits (docs/rating.md).
public struct BidLogRecord: CanonicalRecord, Equatable {
    /// The record kind, `bidlog`.
    public static let kind = "bidlog"

    /// This record's id (lowercase UUID).
    public let recordID: String
    /// The node that negotiated.
    public let nodeID: String
    /// The node's session id.
    public let sessionID: String
    /// The id of the session's CDR.
    public let cdrRecordID: String
    /// The attempt (1-based, as in the attempt records) whose INVITE carried this round's bid.
    public let attemptNumber: Int
    /// `X-BF-Negotiation-ID`, lowercase UUID: constant across the rounds with one provider.
    public let negotiationID: String
    /// `X-BF-Bid-Round`, from 1.
    public let round: Int
    /// The provider bid to.
    public let providerID: String
    /// `X-BF-Bid-Price` of the round.
    public let offered: String
    /// `X-BF-Ask-Price` the provider answered with, if any.
    public let asked: String?
    /// ISO 4217 code of both amounts.
    public let currency: String
    /// `per-min` or `per-msg`.
    public let priceUnit: String
    /// How the round ended (`accepted`, `counter_accepted`, `counter_rejected_spread`, …, docs/negotiation.md).
    public let outcome: String
    /// When the round ended, UTC µs.
    public let timeMicros: Int64

    /// A bid log record.
    public init(
        recordID: String, nodeID: String, sessionID: String, cdrRecordID: String, attemptNumber: Int,
        negotiationID: String, round: Int, providerID: String, offered: String, asked: String?, currency: String,
        priceUnit: String, outcome: String, timeMicros: Int64
    ) {
        self.recordID = recordID
        self.nodeID = nodeID
        self.sessionID = sessionID
        self.cdrRecordID = cdrRecordID
        self.attemptNumber = attemptNumber
        self.negotiationID = negotiationID
        self.round = round
        self.providerID = providerID
        self.offered = offered
        self.asked = asked
        self.currency = currency
        self.priceUnit = priceUnit
        self.outcome = outcome
        self.timeMicros = timeMicros
    }

    /// The entry as a canonical JSON object; nil fields are omitted.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "kind": .string(Self.kind),
            "node": .string(nodeID),
            "id": .string(recordID),
            "session_id": .string(sessionID),
            "cdr_id": .string(cdrRecordID),
            "attempt": .integer(attemptNumber),
            "negotiation_id": .string(negotiationID),
            "round": .integer(round),
            "provider_id": .string(providerID),
            "offered": .string(offered),
            "asked": asked.map(CanonicalJSON.string),
            "currency": .string(currency),
            "price_unit": .string(priceUnit),
            "outcome": .string(outcome),
            "time_us": .integer(timeMicros),
        ])
    }

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it: the default
    /// built the dictionary, dropped its nils and sorted it for every round the writer sealed.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("asked", asked)
        writer.member("attempt", attemptNumber)
        writer.member("cdr_id", cdrRecordID)
        writer.member("currency", currency)
        writer.member("id", recordID)
        writer.member("kind", Self.kind)
        writer.member("negotiation_id", negotiationID)
        writer.member("node", nodeID)
        writer.member("offered", offered)
        writer.member("outcome", outcome)
        writer.member("price_unit", priceUnit)
        writer.member("provider_id", providerID)
        writer.member("round", round)
        writer.member("session_id", sessionID)
        writer.member("time_us", timeMicros)
    }
}
