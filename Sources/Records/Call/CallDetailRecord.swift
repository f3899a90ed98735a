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
    public let setupMicros: Int64
    /// When the first provisional response (1xx) was seen, UTC µs.
    public let firstProvisionalMicros: Int64?
    /// When the first 18x was seen (end of post-dial delay), UTC µs.
    public let firstRingingMicros: Int64?
    /// When the call was answered (2xx), UTC µs.
    public let answerMicros: Int64?
    /// When the customer's ACK for the 2xx arrived, UTC µs.
    public let ackMicros: Int64?
    /// When the session ended, UTC µs.
    public let endMicros: Int64
    /// Post-dial delay in ms: setup to first 18x, or to answer when no 18x came; nil when neither happened.
    public let pddMillis: Int64?
    /// Talk time in ms: answer to end; 0 when not answered.
    public let durationMillis: Int64
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
    /// Whether the CDR was rebuilt at start from the live-session journal after a crash; encoded only when true.
    public let recovered: Bool
    /// The price in three directions (`customer`, `provider`, `spread`, `currency`), as the node's rating wrote it;
    /// nil for an unrated session (docs/cdr-format.md, docs/rating.md). Typed when the node built it.
    public let ratingBlock: CanonicalBlock<RatingBlock>?
    /// The bid/ask negotiation with the carrying provider (`negotiation_id`, `rounds`, `agreed_rate`); nil without one.
    public let negotiationBlock: CanonicalBlock<NegotiationBlock>?
    /// How the route was chosen: LCR scores, bid groups, exclusions, attempts; nil for an unrated session. Typed when
    /// the node built it.
    public let routingBlock: CanonicalBlock<RoutingBlock>?
    /// The Receipt GUID and its state; nil when no provider proposed one.
    public let receipt: Receipt?
    /// The quality envelope for the service: PDD and setup time, media statistics when reported (voice, video);
    /// delivery latency and final status (message). Typed when the node built it.
    public let qualityBlock: CanonicalBlock<QualityBlock>?

    /// Creates a CDR; `pddMillis` and `durationMillis` are derived here from the timestamps.
    public init(
        recordID: String,
        nodeID: String,
        service: ServiceKind,
        sessionID: String,
        setupMicros: Int64,
        firstProvisionalMicros: Int64?,
        firstRingingMicros: Int64?,
        answerMicros: Int64?,
        ackMicros: Int64?,
        endMicros: Int64,
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
        bLeg: CallLeg?,
        recovered: Bool = false,
        rating: CanonicalBlock<RatingBlock>? = nil,
        negotiation: CanonicalBlock<NegotiationBlock>? = nil,
        routing: CanonicalBlock<RoutingBlock>? = nil,
        receipt: Receipt? = nil,
        quality: CanonicalBlock<QualityBlock>? = nil
    ) {
        self.recordID = recordID
        self.nodeID = nodeID
        self.service = service
        self.sessionID = sessionID
        self.setupMicros = setupMicros
        self.firstProvisionalMicros = firstProvisionalMicros
        self.firstRingingMicros = firstRingingMicros
        self.answerMicros = answerMicros
        self.ackMicros = ackMicros
        self.endMicros = endMicros
        self.pddMillis = (firstRingingMicros ?? answerMicros).map { Self.milliseconds(from: setupMicros, to: $0) }
        self.durationMillis = answerMicros.map { Self.milliseconds(from: $0, to: endMicros) } ?? 0
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
        self.recovered = recovered
        self.ratingBlock = rating
        self.negotiationBlock = negotiation
        self.routingBlock = routing
        self.receipt = receipt
        self.qualityBlock = quality
    }

    /// The `rating` block as canonical JSON.
    public var rating: CanonicalJSON? { ratingBlock?.canonicalJSON }

    /// The `negotiation` block as canonical JSON.
    public var negotiation: CanonicalJSON? { negotiationBlock?.canonicalJSON }

    /// The `routing` block as canonical JSON.
    public var routing: CanonicalJSON? { routingBlock?.canonicalJSON }

    /// The `quality` block as canonical JSON.
    public var quality: CanonicalJSON? { qualityBlock?.canonicalJSON }

    // Whole milliseconds, truncated; a wall clock stepped backwards yields 0, never a negative span.
    public static func milliseconds(from start: Int64, to end: Int64) -> Int64 {
        max(0, end - start) / 1_000
    }
}
