public import Records

/// Accumulates one session's facts from its first request to its end, then yields its records.
///
/// Owned by one session and not shared: it is a value, mutated in place. Timestamps are first-wins,
/// so retransmissions never move them. After `finish`, recording calls are ignored (a late
/// retransmission must not change an emitted record) and a second `finish` throws.
public struct CdrBuilder: Sendable {
    /// The CDR's record id, known from the start so attempts can reference it.
    public let recordID: String
    /// The node handling the session.
    public let nodeID: String
    /// The node's session id.
    public let sessionID: String
    /// Voice, video or message.
    public let service: ServiceKind
    /// When the INVITE/MESSAGE arrived, UTC µs.
    public let setupMicros: Int64
    /// The originating carrier.
    public let customerID: String

    /// The customer leg as known so far.
    public private(set) var aLeg: CallLeg
    /// When the first 1xx was seen, UTC µs.
    public private(set) var firstProvisionalMicros: Int64?
    /// When the first 18x was seen, UTC µs.
    public private(set) var firstRingingMicros: Int64?
    /// When the call was answered, UTC µs.
    public private(set) var answerMicros: Int64?
    /// When the customer's ACK arrived, UTC µs.
    public private(set) var ackMicros: Int64?
    /// Whether `finish` has run.
    public private(set) var isFinished = false

    /// The price block, the negotiation, the routing path and the quality envelope, as the session sets them.
    public var rating: CanonicalBlock<RatingBlock>?
    public var negotiation: CanonicalBlock<NegotiationBlock>?
    public var routing: CanonicalBlock<RoutingBlock>?
    public var quality: CanonicalBlock<QualityBlock>?
    /// The carrying provider's Receipt GUID and its state.
    public var receipt: Receipt?
    /// The bid rounds, in the order they ended.
    public private(set) var bidLog: [BidLogRecord] = []

    private var q850Cause: Int?
    private var q850Text: String?
    private var attempts: [Attempt] = []
    private var answeringAttemptIndex: Int?
    private let makeRecordID: @Sendable () -> String

    /// Starts the record of a session at its first INVITE/MESSAGE.
    public init(
        nodeID: String,
        sessionID: String,
        service: ServiceKind,
        setupAt setupMicros: Int64,
        customerID: String,
        aLeg: CallLeg,
        makeRecordID: @escaping @Sendable () -> String = RecordID.random
    ) {
        self.makeRecordID = makeRecordID
        self.recordID = makeRecordID()
        self.nodeID = nodeID
        self.sessionID = sessionID
        self.service = service
        self.setupMicros = setupMicros
        self.customerID = customerID
        self.aLeg = aLeg
    }

    /// How many attempts have begun.
    public var attemptCount: Int { attempts.count }

    /// The answering attempt's provider, destination and provider-leg Call-ID; nil before answer.
    public var answeringAttempt: (providerID: String, destination: String, bCallID: String?)? {
        guard let index = answeringAttemptIndex, attempts.indices.contains(index) else { return nil }
        let attempt = attempts[index]
        return (attempt.providerID, attempt.destination, attempt.bLeg.callID)
    }

    /// Whether the latest attempt has begun and not ended.
    public var hasOpenAttempt: Bool { attempts.last?.isOpen ?? false }

    /// Notes a provisional response; sets the first-provisional time, and the first-ringing time for 180...189.
    public mutating func provisional(code: Int, at time: Int64) {
        guard !isFinished, (100...199).contains(code) else { return }
        firstProvisionalMicros = firstProvisionalMicros ?? time
        if (180...189).contains(code) {
            firstRingingMicros = firstRingingMicros ?? time
        }
    }

    /// Notes the answer (2xx); the open attempt, if any, becomes the answering one.
    public mutating func answered(code: Int = 200, at time: Int64) {
        guard !isFinished, answerMicros == nil else { return }
        answerMicros = time
        if let index = attempts.indices.last, attempts[index].isOpen {
            answeringAttemptIndex = index
            attempts[index].responseCode = code
        }
    }

    /// Notes the customer's ACK for the 2xx.
    public mutating func acked(at time: Int64) {
        guard !isFinished else { return }
        ackMicros = ackMicros ?? time
    }

    /// Records an RFC 3326 Reason header's Q.850 cause; the latest one wins, so the CDR carries the final cause.
    public mutating func reason(q850Cause cause: Int, text: String?) {
        guard !isFinished else { return }
        q850Cause = cause
        q850Text = text
    }

    /// Adds facts learned later about the A leg (our tag, the peer's User-Agent).
    public mutating func updateALeg(_ facts: CallLeg) {
        guard !isFinished else { return }
        aLeg = aLeg.merging(facts)
    }

    /// Starts the next attempt and returns its 1-based number.
    ///
    /// A serial attempt first closes one still open at `time` as `failed_over` (the session moved on without ending
    /// it); a `parallel` one (a fork inside a bid group) leaves its siblings open.
    @discardableResult
    public mutating func beginAttempt(provider: String, destination: String, bLeg: CallLeg, at time: Int64, parallel: Bool = false) -> Int {
        guard !isFinished else { return attempts.count }
        if !parallel, let index = attempts.indices.last, attempts[index].isOpen {
            attempts[index].close(code: nil, reason: nil, outcome: .failedOver, at: time)
        }
        let number = attempts.count + 1
        attempts.append(Attempt(
            number: number,
            recordID: makeRecordID(),
            providerID: provider,
            destination: destination,
            startMicros: time,
            bLeg: bLeg
        ))
        return number
    }

    /// Ends the open attempt; ignored when no attempt is open (its end is already recorded, first wins).
    public mutating func endAttempt(code: Int?, reason: String?, outcome: AttemptOutcome, at time: Int64) {
        guard !isFinished, let index = attempts.indices.last, attempts[index].isOpen else { return }
        attempts[index].close(code: code, reason: reason, outcome: outcome, at: time)
    }

    /// Ends attempt `number` (1-based); ignored when it already ended (first wins).
    public mutating func endAttempt(number: Int, code: Int?, reason: String?, outcome: AttemptOutcome, at time: Int64) {
        guard !isFinished, attempts.indices.contains(number - 1), attempts[number - 1].isOpen else { return }
        attempts[number - 1].close(code: code, reason: reason, outcome: outcome, at: time)
    }

    /// Notes the answer by attempt `number`: it becomes the answering one.
    public mutating func answered(attemptNumber number: Int, code: Int = 200, at time: Int64) {
        guard !isFinished, answerMicros == nil, attempts.indices.contains(number - 1) else { return }
        answerMicros = time
        answeringAttemptIndex = number - 1
        attempts[number - 1].responseCode = code
    }

    /// Adds facts learned later about attempt `number`'s B leg.
    public mutating func updateBLeg(number: Int, _ facts: CallLeg) {
        guard !isFinished, attempts.indices.contains(number - 1) else { return }
        attempts[number - 1].bLeg = attempts[number - 1].bLeg.merging(facts)
    }

    /// Notes the Receipt GUID attempt `number`'s provider proposed (or, for a loser, that it was voided).
    public mutating func attemptReceipt(number: Int, _ receipt: Receipt) {
        guard !isFinished, attempts.indices.contains(number - 1) else { return }
        attempts[number - 1].receipt = receipt
    }

    /// Adds one ended bid round; `attemptNumber` is the attempt whose request carried the bid.
    public mutating func bidRound(
        attemptNumber: Int, negotiationID: String, round: Int, providerID: String, offered: String, asked: String?,
        currency: String, priceUnit: String, outcome: String, at time: Int64
    ) {
        guard !isFinished else { return }
        bidLog.append(BidLogRecord(
            recordID: makeRecordID(), nodeID: nodeID, sessionID: sessionID, cdrRecordID: recordID, attemptNumber: attemptNumber,
            negotiationID: negotiationID, round: round, providerID: providerID, offered: offered, asked: asked, currency: currency,
            priceUnit: priceUnit, outcome: outcome, timeMicros: time
        ))
    }

    /// The duration from answer to `time` in milliseconds (0 before an answer), as the CDR will state it.
    public func durationMillis(endingAt time: Int64) -> Int64 {
        answerMicros.map { CallDetailRecord.milliseconds(from: $0, to: time) } ?? 0
    }

    /// Adds facts learned later about the latest attempt's B leg (remote tag, Server header); ignored before any attempt.
    public mutating func updateBLeg(_ facts: CallLeg) {
        guard !isFinished, let index = attempts.indices.last else { return }
        attempts[index].bLeg = attempts[index].bLeg.merging(facts)
    }

    /// Ends the session and returns its CDR and attempts; an attempt still open is closed at `time`.
    public mutating func finish(
        finalCode: Int,
        reason finalReason: String?,
        releasedBy: ReleasedBy,
        cause: ReleaseCause,
        at time: Int64
    ) throws(CdrBuilderError) -> SessionRecords {
        guard !isFinished else {
            throw CdrBuilderError(.alreadyFinished, reason: "finish called twice for one session")
        }
        isFinished = true
        for index in attempts.indices where attempts[index].isOpen {
            let outcome = Self.outcomeOfOpenAttempt(answered: index == answeringAttemptIndex, cause: cause)
            attempts[index].close(code: nil, reason: nil, outcome: outcome, at: time)
        }
        let carrying = answeringAttemptIndex.map { attempts[$0] } ?? attempts.last
        // A rated CDR's routing path ends with every attempt in order and how it ended (the attempt records hold
        // the detail; this keeps the path readable from the CDR alone).
        var routing = self.routing
        switch routing {
        case .typed(var block)?:
            block.attempts = attempts.map(\.routingAttempt)
            routing = .typed(block)
        case .json(.object(var fields))?:
            fields["attempts"] = .array(attempts.map(\.routingAttempt.canonicalJSON))
            routing = .json(.object(fields))
        case .json?, nil:
            break
        }
        let cdr = CallDetailRecord(
            recordID: recordID,
            nodeID: nodeID,
            service: service,
            sessionID: sessionID,
            setupMicros: setupMicros,
            firstProvisionalMicros: firstProvisionalMicros,
            firstRingingMicros: firstRingingMicros,
            answerMicros: answerMicros,
            ackMicros: ackMicros,
            endMicros: time,
            finalCode: finalCode,
            finalReason: finalReason,
            q850Cause: q850Cause,
            q850Text: q850Text,
            releasedBy: releasedBy,
            releaseCause: cause,
            customerID: customerID,
            providerID: carrying?.providerID,
            attempts: attempts.count,
            aLeg: aLeg,
            bLeg: carrying?.bLeg,
            rating: rating,
            negotiation: negotiation,
            routing: routing,
            receipt: receipt,
            quality: quality
        )
        let attemptRecords = attempts.map {
            $0.record(nodeID: nodeID, sessionID: sessionID, cdrRecordID: recordID, closedAt: time)
        }
        return SessionRecords(cdr: cdr, attempts: attemptRecords, bidLog: bidLog)
    }
}
