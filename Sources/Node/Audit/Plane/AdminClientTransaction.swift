import Logging
import NIOCore
public import SIPCore
import SIPTransaction
import SIPTransport

/// How a request the admin plane sent ended.
public enum AdminRequestOutcome: Sendable {
    /// A final response arrived.
    case response(SIPResponse)
    /// No final response before Timer F (RFC 3261 §17.1.2.2).
    case timeout
    /// The transport could not deliver the request (TCP connect refused, connection reset).
    case transportFailure
}

/// Runs one RFC 3261 §17.1.2 client non-INVITE transaction for the admin plane: owns the machine, the request
/// bytes and its timers, and completes `promise` once with the outcome. Confined to the plane's event loop.
final class AdminClientTransaction {
    let branch: String
    let destination: SIPDestination
    private let requestBytes: ByteBuffer
    private var machine: ClientNonInviteTransaction
    private var timers = NamedTimers<TransactionTimer>()
    private var promise: EventLoopPromise<AdminRequestOutcome>?
    private var pendingResponse: SIPResponse?
    private unowned let plane: AdminSIPPlane

    init(plane: AdminSIPPlane, branch: String, request: SIPRequest, destination: SIPDestination, promise: EventLoopPromise<AdminRequestOutcome>) {
        self.plane = plane
        self.branch = branch
        self.destination = destination
        self.requestBytes = request.serialized()
        self.machine = ClientNonInviteTransaction(reliableTransport: destination.transport == .tcp, timers: plane.timers)
        self.promise = promise
    }

    func start() {
        perform(machine.start())
    }

    func received(_ response: SIPResponse) {
        pendingResponse = response
        perform(machine.receivedResponse(statusCode: response.statusCode))
        pendingResponse = nil
    }

    func transportFailed() {
        perform(machine.transportError())
    }

    /// The plane is closing: the caller hears of a transport failure rather than waiting for Timer F.
    func abandon() {
        complete(.transportFailure)
        terminate()
    }

    private func timerFired(_ timer: TransactionTimer) {
        timers.fired(timer)
        perform(machine.timerFired(timer))
    }

    private func perform(_ actions: [ClientNonInviteTransaction.Action]) {
        for action in actions {
            switch action {
            case .transmitRequest:
                plane.transport.send(requestBytes, to: destination)
            case .deliverResponse(let statusCode):
                // Provisional responses mean nothing to the audit protocol; the final one ends the wait.
                if statusCode >= 200, let response = pendingResponse { complete(.response(response)) }
            case .startTimer(let timer, let duration):
                timers.set(timer, plane.timerQueue.schedule(after: duration) { [weak self] in
                    self?.timerFired(timer)
                })
            case .cancelTimer(let timer):
                timers.cancel(timer)
            case .timeout:
                complete(.timeout)
            case .transportFailure:
                complete(.transportFailure)
            case .terminated:
                terminate()
            case .protocolViolation(let error):
                plane.logger.debug("admin client transaction ignored an event", metadata: ["reason": "\(error)"])
            }
        }
    }

    private func complete(_ outcome: AdminRequestOutcome) {
        promise?.succeed(outcome)
        promise = nil
    }

    private func terminate() {
        timers.cancelAll()
        // A transaction that ends without an outcome (impossible by the machine) must still release its caller.
        complete(.transportFailure)
        plane.clientTransactionEnded(branch: branch)
    }
}
