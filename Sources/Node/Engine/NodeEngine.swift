import Logging
import Metrics
import NIOCore
import Records
import RecordStore
import SIPCore
import SIPTransaction
import SIPTransport

/// The SIP core of a node: matches every inbound message to a transaction or session and runs
/// them. One instance per node, confined to one event loop, so the per-message path has no locks.
final class NodeEngine: SIPTransportDelegate {
    let configuration: NodeConfiguration
    let transport: any SIPMessageTransport
    let sink: any RecordSink
    let clock: any MicrosecondClock
    let logger: Logger
    let transactionTimers: TransactionTimers
    let customers: CustomerDirectory
    let providers: [ProviderTarget]
    /// `providers` by id, the first of a repeated id winning; built once here instead of for every rated call.
    let providersByID: [String: ProviderTarget]
    /// Decks, LCR state and provider capacity; nil runs every session unrated (no decks configured).
    let rating: RatingBook?
    var ids: IdentifierGenerator
    var eventLoop: any EventLoop { transport.eventLoop }
    /// Every transaction and session timer: one heap on the engine's loop behind one NIO task (EventLoopTimerQueue.swift).
    let timerQueue: EventLoopTimerQueue
    var statistics = NodeStatistics()
    /// Setup delay timers and the active-session gauge (EngineMetrics.swift).
    let metrics: EngineMetrics
    /// When the message being handled now reached the engine (NIO's monotonic clock): the start of the setup delays.
    private(set) var messageReceivedAt = NIODeadline.uptimeNanoseconds(0)

    private var clientTransactions: [String: ClientTransactionDriver] = [:]
    private var serverTransactions: [ServerTransactionKey: ServerTransactionDriver] = [:]
    private var sessionsByALeg: [String: B2BUASession] = [:]
    private var sessionsByBLeg: [String: B2BUASession] = [:]
    private(set) var activeSessions: [String: B2BUASession] = [:]
    /// While draining, new sessions get 503 with Retry-After.
    private(set) var refusingNewSessions = false
    /// While in CDR Restriction (DESIGN invariant 7), new sessions get 503 with Retry-After and none are kept.
    private(set) var restricted = false
    /// The Retry-After sent with a 503 while restricted.
    var restrictionRetryAfter: Duration = .seconds(30)
    private var localAddresses: [SIPTransportProtocol: LocalAddress] = [:]
    /// The repeating crash-journal task (NodeEngine+Journal.swift); nil until the node starts it.
    var journalTask: RepeatedTask?
    /// Journal changes since the last harvest tick, in order (NodeEngine+Journal.swift).
    var journalChanges: [LiveSessionJournalChange] = []
    /// Sessions the journal lists: answered voice sessions not yet ended.
    var journaledSessionIDs: Set<String> = []
    /// The agreed terms of the live calls by Receipt GUID.
    let receipts = ReceiptBook()

    init(
        configuration: NodeConfiguration, transport: any SIPMessageTransport, sink: any RecordSink,
        clock: any MicrosecondClock, providers: [ProviderTarget], logger: Logger, rating: RatingBook? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        self.rating = rating
        self.metrics = EngineMetrics(factory: metrics)
        self.configuration = configuration
        self.transport = transport
        self.sink = sink
        self.clock = clock
        self.logger = logger
        self.providers = providers
        self.providersByID = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.customers = CustomerDirectory(configuration)
        self.timerQueue = EventLoopTimerQueue(eventLoop: transport.eventLoop)
        self.transactionTimers = TransactionTimers(t1: configuration.sip.t1, t2: configuration.sip.t2, t4: configuration.sip.t4)
        let host = configuration.listen.first?.host ?? "127.0.0.1"
        self.ids = IdentifierGenerator(nodeID: configuration.nodeID, host: host)
    }

    /// Called once the listeners are bound, so Via and Contact carry the real ports.
    func listenersBound() {
        for kind in [SIPTransportProtocol.udp, .tcp] {
            if let address = transport.advertisedAddress(for: kind) {
                localAddresses[kind] = LocalAddress(transport: kind, host: address.host, port: address.port)
            }
        }
    }

    func localAddress(for kind: SIPTransportProtocol) -> LocalAddress {
        localAddresses[kind] ?? localAddresses.values.first ?? LocalAddress(transport: kind, host: "127.0.0.1", port: 5060)
    }

    func now() -> Int64 { clock.nowMicroseconds() }

    // MARK: - Transport delegate

    func transportReceived(_ message: SIPMessage, from source: SIPSource) {
        // Everything below runs synchronously, so a session reads this stamp while it handles this message.
        messageReceivedAt = NIODeadline.now()
        switch message {
        case .request(var request):
            let topVia = SIPViaStamping.stampReceived(on: &request, from: source)
            handle(request, topVia: topVia, from: source)
        case .response(let response):
            handle(response, from: source)
        }
    }

    func transportReceivedMalformed(_ bytes: ByteBuffer, error: SIPParseError, from source: SIPSource) {
        statistics.malformed += 1
        if let badRequest = BadRequestResponder.response(for: bytes, error: error, limits: transport.parserLimits) {
            statistics.badRequestsAnswered += 1
            transport.send(.response(badRequest), to: source.replyDestination)
        }
    }

    func transportFailedToSend(to destination: SIPDestination, error: any Error) {
        // Client transactions to that destination learn about it; responses are lost like on UDP.
        for driver in clientTransactions.values where driver.destination == destination && !driver.finished {
            driver.transportFailed()
        }
    }

    // MARK: - Requests

    private func handle(_ request: SIPRequest, topVia: SIPVia.Identity?, from source: SIPSource) {
        statistics.requests += 1
        switch request.method {
        case .ack:
            handleACK(request, topVia: topVia)
            return
        case .cancel:
            handleCancel(request, topVia: topVia, from: source)
            return
        case .invite, .bye, .options, .register, .message, .info, .update, .prack, .subscribe, .notify, .publish, .refer, .other:
            break
        }
        guard let key = ServerTransactionKey(topVia: topVia, method: request.method) else {
            // RFC 2543 peers without a magic cookie: answered statelessly.
            respondStatelessly(400, to: request, from: source, reason: "Bad Request (branch without magic cookie)")
            return
        }
        if let existing = serverTransactions[key] {
            existing.receivedRetransmission()
            return
        }
        if request.toTag != nil {
            handleInDialog(request, key: key, from: source)
        } else {
            handleOutOfDialog(request, key: key, from: source)
        }
    }

    private func handleOutOfDialog(_ request: SIPRequest, key: ServerTransactionKey, from source: SIPSource) {
        switch request.method {
        case .options:
            respondStatelessly(200, to: request, from: source, extra: [("Allow", Self.allowedMethods), ("Accept", "application/sdp")])
            return
        case .invite, .message:
            break
        case .bye, .info, .update, .prack, .notify, .refer:
            respondStatelessly(481, to: request, from: source)
            return
        case .publish:
            receivedPublish(request, from: source)
            return
        case .register, .subscribe, .other, .ack, .cancel:
            respondStatelessly(405, to: request, from: source, extra: [("Allow", Self.allowedMethods)])
            return
        }
        guard let customer = customers.customer(for: source.remote) else {
            statistics.forbidden += 1
            respondStatelessly(403, to: request, from: source)
            return
        }
        if let hops = request.headers[.maxForwards].flatMap({ Int($0) }), hops <= 0 {
            respondStatelessly(483, to: request, from: source)
            return
        }
        if isLooped(request) {
            respondStatelessly(482, to: request, from: source)
            return
        }
        guard request.uri.scheme != .tel || request.uri.user != nil else {
            respondStatelessly(416, to: request, from: source)
            return
        }
        if restricted {
            statistics.refusedWhileRestricted += 1
            respondStatelessly(503, to: request, from: source, extra: [("Retry-After", Self.seconds(restrictionRetryAfter))])
            return
        }
        if refusingNewSessions {
            statistics.refusedWhileDraining += 1
            respondStatelessly(503, to: request, from: source, extra: [("Retry-After", "30")])
            return
        }
        guard let callID = request.callID, sessionsByALeg[callID] == nil else {
            // Same Call-ID, new branch, no To tag: a merged or forked request (RFC 3261 §8.2.2.2).
            respondStatelessly(482, to: request, from: source)
            return
        }
        let (route, refusal) = self.route(for: request, customer: customer)
        guard let route else {
            statistics.refusedUnrated += 1
            respondStatelessly(refusal ?? 500, to: request, from: source)
            return
        }
        let server = ServerTransactionDriver(engine: self, key: key, request: request, replyTo: source.replyDestination)
        serverTransactions[key] = server
        let session = B2BUASession(
            engine: self, id: ids.sessionID(), customer: customer, request: request, source: source, server: server, route: route
        )
        sessionsByALeg[callID] = session
        activeSessions[session.id] = session
        statistics.sessionsStarted += 1
        metrics.activeSessions.record(activeSessions.count)
        session.start()
    }

    private func handleInDialog(_ request: SIPRequest, key: ServerTransactionKey, from source: SIPSource) {
        guard let callID = request.callID else { return }
        let server = ServerTransactionDriver(engine: self, key: key, request: request, replyTo: source.replyDestination)
        serverTransactions[key] = server
        server.start()
        if let session = sessionsByALeg[callID] {
            session.receivedInDialog(request, leg: .customer, server: server)
        } else if let session = sessionsByBLeg[callID] {
            session.receivedInDialog(request, leg: .provider, server: server)
        } else {
            server.respond(MessageFactory.local(481, to: request, toTag: nil, userAgent: configuration.sip.userAgent))
        }
    }

    private func handleACK(_ request: SIPRequest, topVia: SIPVia.Identity?) {
        // ACK for a non-2xx final shares the INVITE's branch (RFC 3261 §17.2.3).
        // A 2xx ACK that reused the INVITE's branch is handed back (Accepted state) and routed below.
        if let key = ServerTransactionKey(topVia: topVia, method: .invite), let server = serverTransactions[key],
           server.receivedACK() {
            return
        }
        guard let callID = request.callID else { return }
        if let session = sessionsByALeg[callID] {
            session.receivedACK(request, leg: .customer)
        } else if let session = sessionsByBLeg[callID] {
            session.receivedACK(request, leg: .provider)
        }
        // Otherwise a late ACK after the session ended: nothing to do (ACKs are never answered).
    }

    private func handleCancel(_ request: SIPRequest, topVia: SIPVia.Identity?, from source: SIPSource) {
        guard let inviteKey = ServerTransactionKey(topVia: topVia, method: .invite),
              let invite = serverTransactions[inviteKey], invite.isInvite,
              let callID = request.callID, let session = sessionsByALeg[callID]
        else {
            respondStatelessly(481, to: request, from: source)
            return
        }
        let outcome = invite.cancelOutcome()
        // RFC 3261 §9.2: the 200 for CANCEL carries the To tag of the INVITE's responses.
        respondStatelessly(outcome.cancelStatusCode, to: request, from: source, toTag: session.aToTag)
        if outcome.sendsRequestTerminated {
            session.customerCancelled()
        }
    }

    private func isLooped(_ request: SIPRequest) -> Bool {
        // Whole lines, not split into elements: the prefix has no comma, so it is in a line iff in one of its elements.
        for field in request.headers.fields where field.key == .via && ids.containsBranchPrefix(field.value) {
            return true
        }
        return false
    }

    /// Answers without keeping transaction state (OPTIONS, 403, 481 ...). Retransmissions get the same answer again.
    func respondStatelessly(
        _ code: Int, to request: SIPRequest, from source: SIPSource, reason: String? = nil, extra: [(String, String)] = [],
        toTag localTag: String? = nil
    ) {
        let toTag = request.toTag == nil && code > 100 ? (localTag ?? ids.tag()) : nil
        let response = MessageFactory.local(code, to: request, toTag: toTag, userAgent: configuration.sip.userAgent, reason: reason, extra: extra)
        transport.send(.response(response), to: source.replyDestination)
    }

    static let allowedMethods = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE"

    // MARK: - Responses

    private func handle(_ response: SIPResponse, from source: SIPSource) {
        statistics.responses += 1
        // A CANCEL shares its INVITE's branch; its transaction is keyed apart (RFC 3261 §17.1.3).
        // CSeq parsed once here rather than once per question below.
        let cseqMethod = response.cseq?.method
        let key = response.topViaBranch.map { cseqMethod == .cancel ? $0 + "#cancel" : $0 }
        guard let key, let driver = clientTransactions[key] else {
            // A 2xx retransmission after our client transaction ended: the session re-ACKs it.
            if response.isSuccess, cseqMethod == .invite, let callID = response.callID,
               let session = sessionsByBLeg[callID] {
                session.stray2xx(response)
            }
            return
        }
        driver.received(response)
    }

    // MARK: - Bookkeeping used by drivers and sessions

    func startClientTransaction(
        _ request: SIPRequest, branch: String, to destination: SIPDestination,
        onEvent: @escaping (ClientTransactionDriver.Event) -> Void
    ) -> ClientTransactionDriver {
        let driver = ClientTransactionDriver(engine: self, branch: branch, request: request, destination: destination, onEvent: onEvent)
        clientTransactions[branch] = driver
        driver.start()
        return driver
    }

    /// Sends a request outside any transaction (ACK for 2xx).
    func sendStateless(_ request: SIPRequest, to destination: SIPDestination) {
        transport.send(.request(request), to: destination)
    }

    func clientTransactionTerminated(branch: String) {
        clientTransactions[branch] = nil
    }

    func serverTransactionTerminated(_ key: ServerTransactionKey) {
        serverTransactions[key] = nil
    }

    /// The live session one of whose legs has `callID`.
    func session(forLegCallID callID: String) -> B2BUASession? {
        sessionsByALeg[callID] ?? sessionsByBLeg[callID]
    }

    func registerProviderLeg(_ callID: String, for session: B2BUASession) {
        sessionsByBLeg[callID] = session
    }

    func unregisterProviderLeg(_ callID: String) {
        sessionsByBLeg[callID] = nil
    }

    func sessionEnded(_ session: B2BUASession, records: SessionRecords) {
        statistics.sessionsEnded += 1
        statistics.recordsEmitted += UInt64(records.recordCount)
        if records.cdr.answerMicros != nil { statistics.answered += 1 }
        sink.emit(records)
        // After the emit: the writer takes the session out of the journal only once its CDR is synced.
        journalEnded(session)
        if let guid = records.cdr.receipt?.guid { receipts.end(guid, sessionID: session.id) }
        activeSessions[session.id] = nil
        metrics.activeSessions.record(activeSessions.count)
        if sessionsByALeg[session.aCallID] === session { sessionsByALeg[session.aCallID] = nil }
        for callID in session.providerCallIDs where sessionsByBLeg[callID] === session {
            sessionsByBLeg[callID] = nil
        }
    }

    // MARK: - CDR Restriction

    /// The Reason header on the BYEs of sessions ended by restriction (RFC 3326).
    static let restrictionReason = "SIP;cause=503;text=\"CDR restriction\""

    /// Enters or leaves CDR Restriction. Entering refuses new sessions and ends every active one
    /// (BYE both legs with a Reason header, or 503 before answer); their records go to the sink as usual,
    /// which holds them until it can write.
    func setRestricted(_ on: Bool) {
        guard on != restricted else { return }
        restricted = on
        if on {
            logger.critical(
                "CDR restriction: refusing new sessions and ending active ones",
                metadata: ["active_sessions": "\(activeSessions.count)"]
            )
            for session in Array(activeSessions.values) {
                statistics.endedByRestriction += 1
                session.terminateByNode(cause: .restriction)
            }
        } else {
            logger.critical("CDR restriction ended: accepting new sessions")
        }
    }

    static func seconds(_ duration: Duration) -> String {
        String(max(0, duration.components.seconds))
    }

    // MARK: - Graceful stop

    /// Stops taking new sessions; existing ones go on.
    func beginDrain() {
        refusingNewSessions = true
    }

    /// Ends every remaining session with BYE/CANCEL both ways (release cause `drain`).
    func terminateRemainingSessions() {
        for session in activeSessions.values {
            session.terminateByNode(cause: .drain)
        }
    }

    /// Client transactions still waiting for an answer (BYE/CANCEL sent while draining).
    var pendingClientTransactions: Int { clientTransactions.values.count { $0.awaitingFinal } }
}
