import Logging
import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// Identity of an admin-plane server transaction (RFC 3261 §17.2.3): top Via branch, sent-by and method.
public struct AdminServerTransactionKey: Hashable, Sendable {
    let branch: String
    let sentBy: String
    let method: String

    init?(_ request: SIPRequest) {
        guard let via = request.topVia, let branch = via.branch, branch.hasPrefix(SIPVia.magicCookie) else { return nil }
        self.branch = branch
        self.sentBy = via.sentBy.lowercased()
        self.method = request.method.token
    }
}

/// Runs one RFC 3261 §17.2.2 server non-INVITE transaction for the admin plane: absorbs retransmitted requests,
/// retransmits the final response, and keeps it until Timer J. Confined to the plane's event loop.
final class AdminServerTransaction {
    let key: AdminServerTransactionKey
    let request: SIPRequest
    let replyTo: SIPDestination
    private var machine: ServerNonInviteTransaction
    private var lastResponse: ByteBuffer?
    private var timers = NamedTimers<TransactionTimer>()
    private unowned let plane: AdminSIPPlane

    init(plane: AdminSIPPlane, key: AdminServerTransactionKey, request: SIPRequest, replyTo: SIPDestination) {
        self.plane = plane
        self.key = key
        self.request = request
        self.replyTo = replyTo
        self.machine = ServerNonInviteTransaction(reliableTransport: replyTo.transport == .tcp, timers: plane.timers)
    }

    /// Feeds the initial request; true when it is to be handed to the handler.
    func start() -> Bool {
        let actions = machine.receivedRequest()
        perform(actions, response: nil)
        return actions.contains(.deliverRequest)
    }

    func receivedRetransmission() {
        perform(machine.receivedRetransmission(), response: nil)
    }

    func respond(_ response: SIPResponse) {
        perform(machine.sendResponse(statusCode: response.statusCode), response: response)
    }

    private func timerFired(_ timer: TransactionTimer) {
        timers.fired(timer)
        perform(machine.timerFired(timer), response: nil)
    }

    private func perform(_ actions: [ServerNonInviteTransaction.Action], response: SIPResponse?) {
        for action in actions {
            switch action {
            case .deliverRequest:
                break  // the plane hands the request over itself
            case .transmitResponse:
                if let response {
                    let bytes = response.serialized()
                    lastResponse = bytes
                    plane.transport.send(bytes, to: replyTo)
                }
            case .retransmitLastResponse:
                if let lastResponse { plane.transport.send(lastResponse, to: replyTo) }
            case .startTimer(let timer, let duration):
                timers.set(timer, plane.timerQueue.schedule(after: duration) { [weak self] in
                    self?.timerFired(timer)
                })
            case .cancelTimer(let timer):
                timers.cancel(timer)
            case .transportFailure:
                plane.logger.debug("admin response could not be sent", metadata: ["to": "\(replyTo.addressText)"])
            case .terminated:
                terminate()
            case .protocolViolation(let error):
                plane.logger.debug("admin server transaction ignored an event", metadata: ["reason": "\(error)"])
            }
        }
    }

    func terminate() {
        timers.cancelAll()
        plane.serverTransactionEnded(key)
    }
}
