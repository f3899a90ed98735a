import Logging
import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// Runs one client transaction: owns its state machine, the request bytes and its timers, and
/// performs the machine's actions. Confined to the node's event loop.
final class ClientTransactionDriver {
    enum Machine {
        case invite(ClientInviteTransaction)
        case nonInvite(ClientNonInviteTransaction)
    }

    /// What the owner hears about.
    enum Event {
        case response(SIPResponse)
        case timeout
        case transportFailure
    }

    let branch: String
    let destination: SIPDestination
    /// The request and its bytes until a final response: retransmissions and the ACK of a non-2xx final are made
    /// from them. An INVITE transaction lingers 32 s after its final (Timers D and M) and a non-INVITE one up to
    /// 5 s (Timer K), so they are dropped then: they were most of what a finished call kept in memory.
    private var request: SIPRequest?
    private var requestBytes: ByteBuffer?
    /// The hop-by-hop ACK of a non-2xx final, sent again for each retransmission of that final (RFC 3261 §17.1.1.3).
    private var ackBytes: ByteBuffer?
    private var machine: Machine
    private var timers = NamedTimers<TransactionTimer>()
    private(set) var receivedProvisional = false
    private(set) var receivedFinal = false

    /// Still waiting for a final answer that someone cares about (what a graceful stop waits for).
    var awaitingFinal: Bool { !receivedFinal && !finished && !retransmissionsMuted }
    private(set) var finished = false
    private unowned let engine: NodeEngine
    var onEvent: (Event) -> Void

    init(engine: NodeEngine, branch: String, request: SIPRequest, destination: SIPDestination, onEvent: @escaping (Event) -> Void) {
        self.engine = engine
        self.branch = branch
        self.request = request
        self.destination = destination
        self.requestBytes = request.serialized()
        let reliable = destination.transport == .tcp
        if request.method == .invite {
            machine = .invite(ClientInviteTransaction(reliableTransport: reliable, timers: engine.transactionTimers))
        } else {
            machine = .nonInvite(ClientNonInviteTransaction(reliableTransport: reliable, timers: engine.transactionTimers))
        }
        self.onEvent = onEvent
    }

    /// Whether the request (parsed or serialized) is still kept; it is dropped at the final response.
    var holdsRequest: Bool { request != nil || requestBytes != nil }

    var isInvite: Bool {
        if case .invite = machine { return true }
        return false
    }

    func start() {
        advance(invite: { $0.start() }, nonInvite: { $0.start() })
    }

    func received(_ response: SIPResponse) {
        if response.statusCode > 100, response.statusCode < 200 { receivedProvisional = true }
        if response.statusCode >= 200 { receivedFinal = true }
        if response.statusCode >= 300, ackBytes == nil, isInvite, let request {
            ackBytes = SIPMessage.request(MessageFactory.hopByHopACK(for: request, response: response)).serialized()
        }
        let code = response.statusCode
        advance(response: response, invite: { $0.receivedResponse(statusCode: code) }, nonInvite: { $0.receivedResponse(statusCode: code) })
        if receivedFinal {
            request = nil
            requestBytes = nil
        }
    }

    func timerFired(_ timer: TransactionTimer) {
        timers.fired(timer)
        advance(invite: { $0.timerFired(timer) }, nonInvite: { $0.timerFired(timer) })
    }

    func transportFailed() {
        advance(invite: { $0.transportError() }, nonInvite: { $0.transportError() })
    }

    // Feeds one event to whichever machine this is; both speak the same action language here.
    // (One action at a time: a translated copy of the list would be an allocation more per message.)
    private func advance(
        response: SIPResponse? = nil,
        invite: (inout ClientInviteTransaction) -> [ClientInviteTransaction.Action],
        nonInvite: (inout ClientNonInviteTransaction) -> [ClientNonInviteTransaction.Action]
    ) {
        switch machine {
        case .invite(var machineState):
            let actions = invite(&machineState)
            machine = .invite(machineState)
            for action in actions { perform(DriverAction(action), response: response) }
        case .nonInvite(var machineState):
            let actions = nonInvite(&machineState)
            machine = .nonInvite(machineState)
            for action in actions { perform(DriverAction(action), response: response) }
        }
    }

    /// Stops retransmitting but keeps listening until the machine's own timeout, so a late
    /// answer from a provider the session gave up on can still be CANCELled or ACKed.
    func muteRetransmissions() {
        retransmissionsMuted = true
        timers.cancel(.a)
        timers.cancel(.e)
    }

    private var retransmissionsMuted = false

    /// Stops every timer and forgets the transaction (owner gave up on it).
    func abandon() {
        terminate()
    }

    private func perform(_ action: DriverAction, response: SIPResponse?) {
        switch action {
        case .transmitRequest:
            if !retransmissionsMuted, let requestBytes { engine.transport.send(requestBytes, to: destination) }
        case .sendACK:
            if let ackBytes { engine.transport.send(ackBytes, to: destination) }
        case .deliverResponse:
            if let response { notify(.response(response)) }
        case .startTimer(let timer, let duration):
            schedule(timer, duration)
        case .cancelTimer(let timer):
            timers.cancel(timer)
        case .timeout:
            notify(.timeout)
        case .transportFailure:
            notify(.transportFailure)
        case .terminated:
            terminate()
        case .protocolViolation(let error):
            engine.logger.debug("client transaction ignored an event", metadata: ["reason": "\(error)"])
        }
    }

    private func notify(_ event: Event) {
        onEvent(event)
    }

    private func schedule(_ timer: TransactionTimer, _ duration: Duration) {
        if retransmissionsMuted && (timer == .a || timer == .e) { return }
        timers.set(timer, engine.timerQueue.schedule(after: duration, target: self, tag: timer.queueTag))
    }

    private func terminate() {
        guard !finished else { return }
        finished = true
        timers.cancelAll()
        request = nil
        requestBytes = nil
        ackBytes = nil
        // Breaks the session → attempt → driver → closure → session cycle.
        onEvent = { _ in }
        engine.clientTransactionTerminated(branch: branch)
    }
}

/// The client machines' actions in one vocabulary (the non-INVITE machine never sends an ACK).
private enum DriverAction {
    case transmitRequest
    case sendACK
    case deliverResponse
    case startTimer(TransactionTimer, Duration)
    case cancelTimer(TransactionTimer)
    case timeout
    case transportFailure
    case terminated
    case protocolViolation(TransactionError)

    init(_ action: ClientInviteTransaction.Action) {
        switch action {
        case .transmitRequest: self = .transmitRequest
        case .sendACK: self = .sendACK
        case .deliverResponse: self = .deliverResponse
        case .startTimer(let timer, let duration): self = .startTimer(timer, duration)
        case .cancelTimer(let timer): self = .cancelTimer(timer)
        case .timeout: self = .timeout
        case .transportFailure: self = .transportFailure
        case .terminated: self = .terminated
        case .protocolViolation(let error): self = .protocolViolation(error)
        }
    }

    init(_ action: ClientNonInviteTransaction.Action) {
        switch action {
        case .transmitRequest: self = .transmitRequest
        case .deliverResponse: self = .deliverResponse
        case .startTimer(let timer, let duration): self = .startTimer(timer, duration)
        case .cancelTimer(let timer): self = .cancelTimer(timer)
        case .timeout: self = .timeout
        case .transportFailure: self = .transportFailure
        case .terminated: self = .terminated
        case .protocolViolation(let error): self = .protocolViolation(error)
        }
    }
}

extension ClientTransactionDriver: TransactionTimerTarget {}
