import Logging
import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// Identity of a server transaction (RFC 3261 §17.2.3): branch, sent-by and method, where ACK
/// and CANCEL are looked up under INVITE by the caller.
struct ServerTransactionKey: Hashable {
    let branch: String
    let sentBy: String
    let method: String

    /// From a top Via the caller already read (the engine reads it once per request, when stamping it).
    init?(topVia via: SIPVia.Identity?, method: SIPMethod) {
        guard let via, let branch = via.branch, branch.hasPrefix(SIPVia.magicCookie) else { return nil }
        self.branch = branch
        self.sentBy = via.sentBy.lowercased()
        self.method = method.token
    }
}

/// Runs one server transaction: absorbs retransmitted requests, retransmits the last response,
/// and lets the owner answer through it. Confined to the node's event loop.
final class ServerTransactionDriver {
    enum Machine {
        case invite(ServerInviteTransaction)
        case nonInvite(ServerNonInviteTransaction)
    }

    let key: ServerTransactionKey
    /// The request until the final response: the 100 Trying is made from it (the session keeps its own copy). An
    /// INVITE transaction lingers 32 s after a 2xx (Timer L) and a non-INVITE one 32 s after its final (Timer J),
    /// so it is dropped then.
    private var request: SIPRequest?
    let replyTo: SIPDestination
    private var machine: Machine
    private var lastResponse: ByteBuffer?
    private var timers = NamedTimers<TransactionTimer>()
    private unowned let engine: NodeEngine
    private(set) var finished = false
    /// Called when an INVITE's non-2xx final got no ACK (Timer H) or the transport failed.
    var onFailure: (() -> Void)?

    init(engine: NodeEngine, key: ServerTransactionKey, request: SIPRequest, replyTo: SIPDestination) {
        self.engine = engine
        self.key = key
        self.request = request
        self.replyTo = replyTo
        let reliable = replyTo.transport == .tcp
        if request.method == .invite {
            machine = .invite(ServerInviteTransaction(reliableTransport: reliable, timers: engine.transactionTimers))
        } else {
            machine = .nonInvite(ServerNonInviteTransaction(reliableTransport: reliable, timers: engine.transactionTimers))
        }
    }

    /// Feeds the initial request; for INVITE this sends 100 Trying at once.
    func start() {
        advance(invite: { $0.receivedRequest() }, nonInvite: { $0.receivedRequest() })
    }

    func receivedRetransmission() {
        advance(invite: { $0.receivedRetransmission() }, nonInvite: { $0.receivedRetransmission() })
    }

    // Feeds one event to whichever machine this is and performs its actions, each translated into the one action
    // language both machines share here (one at a time: a translated copy of the list would be an allocation more
    // per message).
    private func advance(
        response: SIPResponse? = nil,
        invite: (inout ServerInviteTransaction) -> [ServerInviteTransaction.Action],
        nonInvite: (inout ServerNonInviteTransaction) -> [ServerNonInviteTransaction.Action]
    ) {
        switch machine {
        case .invite(var machineState):
            let actions = invite(&machineState)
            machine = .invite(machineState)
            for action in actions { perform(ServerDriverAction(action), response: response) }
        case .nonInvite(var machineState):
            let actions = nonInvite(&machineState)
            machine = .nonInvite(machineState)
            for action in actions { perform(ServerDriverAction(action), response: response) }
        }
    }

    /// ACK matching this INVITE transaction (same branch). Returns false when the transaction hands
    /// it up (RFC 6026 Accepted: a 2xx ACK that reused the INVITE's branch), so the session gets it.
    @discardableResult
    func receivedACK() -> Bool {
        guard case .invite(var invite) = machine else { return true }
        let actions = invite.receivedACK()
        machine = .invite(invite)
        for action in actions { perform(ServerDriverAction(action), response: nil) }
        return !actions.contains(.deliverACK)
    }

    /// What a CANCEL for this INVITE means now.
    func cancelOutcome() -> CancelOutcome {
        guard case .invite(let invite) = machine else { return .noTransaction }
        return invite.receivedCancel()
    }

    /// Whether a final response has been sent.
    var hasFinalResponse: Bool {
        switch machine {
        case .invite(let invite):
            switch invite.state {
            case .idle, .proceeding: return false
            case .accepted, .completed, .confirmed, .terminated: return true
            }
        case .nonInvite(let nonInvite):
            switch nonInvite.state {
            case .idle, .trying, .proceeding: return false
            case .completed, .terminated: return true
            }
        }
    }

    /// Sends a response through the transaction.
    func respond(_ response: SIPResponse) {
        let code = response.statusCode
        advance(response: response, invite: { $0.sendResponse(statusCode: code) }, nonInvite: { $0.sendResponse(statusCode: code) })
    }

    /// Whether this runs an INVITE transaction (what a CANCEL is matched against).
    var isInvite: Bool {
        if case .invite = machine { return true }
        return false
    }

    /// Whether the last response sent is kept for retransmission (dropped when the transaction ends, and a 2xx once
    /// its ACK came).
    var holdsLastResponse: Bool { lastResponse != nil }
    /// Whether the request is still kept; it is dropped at the final response.
    var holdsRequest: Bool { request != nil }

    /// Re-sends a 2xx the TU retransmits (RFC 3261 §13.3.1.4; the transaction is Accepted).
    func retransmitFinal() {
        if let lastResponse { engine.transport.send(lastResponse, to: replyTo) }
    }

    /// The TU stopped retransmitting its 2xx (the ACK came, or the call is over). In Accepted the transaction only
    /// absorbs retransmitted INVITEs (RFC 6026 §7.1), so the 2xx's bytes are not needed for the rest of Timer L.
    /// A non-2xx final is kept: the transaction itself answers retransmissions with it.
    func answerAcknowledged() {
        guard case .invite(let invite) = machine, case .accepted = invite.state else { return }
        lastResponse = nil
    }

    private func transmit(_ response: SIPResponse) {
        let bytes = response.serialized()
        lastResponse = bytes
        engine.transport.send(bytes, to: replyTo)
        if response.statusCode >= 200 { request = nil }
    }

    private func perform(_ action: ServerDriverAction, response: SIPResponse?) {
        switch action {
        case .deliver:
            break  // the engine routes requests and 2xx ACKs itself
        case .send100Trying:
            if let request { transmit(SIPResponse(replyingTo: request, statusCode: 100)) }
        case .transmitResponse:
            if let response { transmit(response) }
        case .retransmitLastResponse:
            if let lastResponse { engine.transport.send(lastResponse, to: replyTo) }
        case .startTimer(let timer, let duration):
            schedule(timer, duration)
        case .cancelTimer(let timer):
            timers.cancel(timer)
        case .failure:
            onFailure?()
        case .terminated:
            terminate()
        case .protocolViolation(let error):
            engine.logger.debug("server transaction ignored an event", metadata: ["reason": "\(error)"])
        }
    }

    func timerFired(_ timer: TransactionTimer) {
        timers.fired(timer)
        advance(invite: { $0.timerFired(timer) }, nonInvite: { $0.timerFired(timer) })
    }

    private func schedule(_ timer: TransactionTimer, _ duration: Duration) {
        timers.set(timer, engine.timerQueue.schedule(after: duration, target: self, tag: timer.queueTag))
    }

    /// Stops timers and drops the transaction from the table.
    func terminate() {
        guard !finished else { return }
        finished = true
        timers.cancelAll()
        // Nothing is retransmitted any more; the session keeps this driver for the rest of the call.
        lastResponse = nil
        request = nil
        engine.serverTransactionTerminated(key)
    }
}

/// The server machines' actions in one vocabulary.
private enum ServerDriverAction {
    /// A request or a 2xx ACK for the TU; the engine routes those itself.
    case deliver
    case send100Trying
    case transmitResponse
    case retransmitLastResponse
    case startTimer(TransactionTimer, Duration)
    case cancelTimer(TransactionTimer)
    /// Timer H without ACK, or a transport error.
    case failure
    case terminated
    case protocolViolation(TransactionError)

    init(_ action: ServerInviteTransaction.Action) {
        switch action {
        case .deliverRequest, .deliverACK: self = .deliver
        case .send100Trying: self = .send100Trying
        case .transmitResponse: self = .transmitResponse
        case .retransmitLastResponse: self = .retransmitLastResponse
        case .startTimer(let timer, let duration): self = .startTimer(timer, duration)
        case .cancelTimer(let timer): self = .cancelTimer(timer)
        case .timeout, .transportFailure: self = .failure
        case .terminated: self = .terminated
        case .protocolViolation(let error): self = .protocolViolation(error)
        }
    }

    init(_ action: ServerNonInviteTransaction.Action) {
        switch action {
        case .deliverRequest: self = .deliver
        case .transmitResponse: self = .transmitResponse
        case .retransmitLastResponse: self = .retransmitLastResponse
        case .startTimer(let timer, let duration): self = .startTimer(timer, duration)
        case .cancelTimer(let timer): self = .cancelTimer(timer)
        case .transportFailure: self = .failure
        case .terminated: self = .terminated
        case .protocolViolation(let error): self = .protocolViolation(error)
        }
    }
}

extension ServerTransactionDriver: TransactionTimerTarget {}
