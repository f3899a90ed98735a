import Logging
import NIOCore
import Records
import SIPCore
import SIPTransaction
import SIPTransport

/// One call (or one MESSAGE) through the node: the customer leg, one provider leg per attempt,
/// and the CDR being built from the first request on. Confined to the node's event loop.
final class B2BUASession {
    enum Leg { case customer, provider }

    enum Phase {
        /// Trying providers; nothing final sent to the customer.
        case routing
        /// 2xx sent to the customer, waiting for its ACK.
        case answered
        /// ACK received: the call is up.
        case confirmed
        case ended
    }

    let id: String
    unowned let engine: NodeEngine
    let customer: CustomerTrunk
    let aRequest: SIPRequest
    let aSource: SIPSource
    let aServer: ServerTransactionDriver
    let aToTag: String
    /// The customer's From and To, parsed once (every provider attempt copies from them).
    let aFrom: SIPNameAddress?
    let aTo: SIPNameAddress?
    /// The customer's To with our tag: the To of every response we send it and the local side of its dialog.
    let aTaggedTo: String
    let aCallID: String
    let isInvite: Bool
    var cdr: CdrBuilder
    var phase: Phase = .routing
    /// What rating decided: bid groups, the customer's rate, the routing path.
    let route: SessionRoute
    /// Bid groups not tried yet.
    var pendingGroups: [[PlannedProvider]]
    /// Attempts waiting for a final response: one, or the forks of a parallel bid group.
    var liveAttempts: [ProviderAttempt] = []
    /// The attempt whose 2xx the customer got.
    var winner: ProviderAttempt?
    /// Bidding per provider (the negotiation id is constant across that provider's rounds).
    var negotiations: [String: Negotiation] = [:]
    var attemptCount = 0
    var providerCallIDs: [String] = []
    var lastFailure: (code: Int, reason: String)?
    var aDialog: Dialog?
    var bDialog: Dialog?
    /// The customer cancelled (CANCEL, or BYE before answer); µs of that moment.
    var cancelledAt: Int64?
    /// The provider's 2xx must be ACKed with the customer's ACK body (late offer).
    var pendingProviderACK = false
    var answerRetransmission = UAS2xxRetransmission()
    var answerRetransmissionTimers = NamedTimers<TransactionTimer>()
    var maxDurationTimer: EventLoopTimerQueue.Handle?
    var sessionRefreshTimer: EventLoopTimerQueue.Handle?
    var sessionInterval: Duration?
    /// The RTCP summary an endpoint reported on its BYE, for the quality envelope.
    var mediaStatistics: CanonicalJSON?
    /// When the customer's request reached the engine (monotonic), for the INVITE setup delay.
    let receivedAt: NIODeadline
    /// The INVITE setup delay is recorded once, for the first INVITE sent to a provider (not for failovers).
    var inviteDelayRecorded = false

    init(
        engine: NodeEngine, id: String, customer: CustomerTrunk, request: SIPRequest, source: SIPSource,
        server: ServerTransactionDriver, route: SessionRoute
    ) {
        self.engine = engine
        self.id = id
        self.customer = customer
        self.aRequest = request
        self.aSource = source
        self.aServer = server
        let toTag = engine.ids.tag()
        self.aToTag = toTag
        let from = request.from
        let to = request.to
        self.aFrom = from
        self.aTo = to
        if var tagged = to {
            if tagged.tag == nil { tagged.tag = toTag }
            self.aTaggedTo = tagged.description
        } else {
            self.aTaggedTo = request.headers[.to] ?? ""
        }
        self.aCallID = request.callID ?? ""
        self.isInvite = request.method == .invite
        self.receivedAt = engine.messageReceivedAt
        self.route = route
        self.pendingGroups = route.groups
        self.answerRetransmission = UAS2xxRetransmission(timers: engine.transactionTimers)
        let local = engine.localAddress(for: source.transport)
        let aLeg = CallLeg(
            callID: request.callID,
            localTag: toTag,
            remoteTag: from?.tag,
            fromURI: from?.uri.description,
            toURI: to?.uri.description,
            pAssertedIdentity: request.headers[.pAssertedIdentity],
            source: source.addressText,
            destination: local.recordText,
            transport: SignalingTransport(rawValue: source.transport.rawValue),
            userAgent: request.headers[.userAgent]
        )
        self.cdr = CdrBuilder(
            nodeID: engine.configuration.nodeID,
            sessionID: id,
            service: Self.service(of: request),
            setupAt: engine.now(),
            customerID: customer.id,
            aLeg: aLeg
        )
    }

    var userAgent: String { engine.configuration.sip.userAgent }

    /// 100 Trying (INVITE) and the first attempt.
    func start() {
        aServer.onFailure = { [weak self] in
            // Timer H: the customer never ACKed our non-2xx final. Nothing more to do for it.
            _ = self
        }
        aServer.start()
        cdr.routing = route.routingFields
        if route.groups.isEmpty && route.customerMatch != nil {
            // Rated, and every provider was excluded (price, spread, capacity): nobody to carry it.
            lastFailure = (503, "Service Unavailable (no provider)")
        }
        tryNextGroup()
    }

    /// Voice, video (an SDP offer with a video stream) or message.
    static func service(of request: SIPRequest) -> ServiceKind {
        guard request.method == .invite else { return .message }
        // Looked for in the bytes: decoding the whole SDP into a String per call only to search it was measurable.
        return containsVideoLine(request.body.readableBytesView) ? .video : .voice
    }

    private static let videoLineStart = Array("m=video ".utf8)

    /// Whether an SDP body has an `m=video ` line (at its start or after a line feed).
    static func containsVideoLine<Bytes: Collection<UInt8>>(_ body: Bytes) -> Bool {
        let needle = videoLineStart
        var atLineStart = true
        var index = body.startIndex
        while index != body.endIndex {
            let byte = body[index]
            if atLineStart && byte == needle[0] && body[index...].starts(with: needle) { return true }
            atLineStart = byte == UInt8(ascii: "\n")
            index = body.index(after: index)
        }
        return false
    }

    /// Responds to the customer through its server transaction.
    func respondToCustomer(_ response: SIPResponse) {
        aServer.respond(response)
    }

    func respondToCustomer(local code: Int, reason: String? = nil, extra: [(String, String)] = []) {
        respondToCustomer(MessageFactory.local(code, to: aRequest, toTag: aToTag, taggedTo: aTaggedTo, userAgent: userAgent, reason: reason, extra: extra))
    }

    /// Emits the records and forgets the session. Idempotent.
    func finish(finalCode: Int, reason: String?, releasedBy: ReleasedBy, cause: ReleaseCause, at time: Int64? = nil) {
        guard phase != .ended else { return }
        phase = .ended
        maxDurationTimer?.cancel()
        sessionRefreshTimer?.cancel()
        let now = time ?? engine.now()
        for attempt in liveAttempts {
            bidEnded(attempt, outcome: "cancelled", asked: nil, at: now)
            retire(attempt)
        }
        if let winner { releaseCapacity(of: winner) }
        answerRetransmissionTimers.cancelAll()
        aServer.answerAcknowledged()
        rate(endingAt: now, finalCode: finalCode)
        do {
            let records = try cdr.finish(finalCode: finalCode, reason: reason, releasedBy: releasedBy, cause: cause, at: now)
            engine.sessionEnded(self, records: records)
        } catch {
            engine.logger.error("CDR could not be finished", metadata: ["session": "\(id)", "error": "\(error)"])
        }
    }
}
