import Logging
import NIOCore
import SIPCore
import SIPTransport

/// One outbound try towards one provider.
final class ProviderAttempt {
    let number: Int
    /// The provider and what rating planned for it.
    let planned: PlannedProvider
    var provider: ProviderTarget { planned.target }
    let callID: String
    let fromTag: String
    /// The INVITE until a final response: a CANCEL is made from it. The attempt lives as long as its transaction's
    /// closure after the call (Timer M, 32 s), so the parsed INVITE is dropped at the final response.
    private(set) var request: SIPRequest?
    /// The INVITE's From and Request-URI, which the dialog of an answer (or the hang-up of an unwanted one) needs.
    let localFromHeader: String
    let requestURI: SIPURI
    /// The attempt's INVITE transaction while it lives; the engine's table owns it, so the serialized INVITE and the
    /// machine are freed when it terminates, not kept for the rest of the call (about 1.7 KB a held call).
    weak var client: ClientTransactionDriver?
    var receivedProvisional = false
    var cancelRequested = false
    var cancelSent = false
    var finished = false
    /// A BYE was sent for an answer nobody wanted.
    var hungUp = false
    /// Provider timeout until the first provisional, then ring timeout until the answer.
    var timer: EventLoopTimerQueue.Handle?
    /// The bid this attempt's request carried; nil for a provider that is not negotiated with.
    var negotiation: Negotiation?
    /// Its round is in the bid log already.
    var bidLogged = false
    /// Its provider capacity slot was given back.
    var capacityReleased = false
    /// When the request left and the first provisional came (UTC µs), for the provider's health window.
    var startedAt: Int64?
    var firstProvisionalAt: Int64?

    init(number: Int, planned: PlannedProvider, callID: String, fromTag: String, request: SIPRequest) {
        self.number = number
        self.planned = planned
        self.callID = callID
        self.fromTag = fromTag
        self.request = request
        localFromHeader = request.headers[.from] ?? ""
        requestURI = request.uri
    }

    /// A final response came: nothing can be CANCELled any more.
    func finalReceived() {
        request = nil
    }

    /// CANCEL this attempt's INVITE (its own non-INVITE transaction, same branch, keyed apart).
    func sendCancel(engine: NodeEngine) {
        guard !cancelSent else { return }
        guard let request else { return }
        cancelSent = true
        let cancel = MessageFactory.cancel(for: request)
        guard let branch = cancel.topVia?.branch else { return }
        _ = engine.startClientTransaction(cancel, branch: branch + "#cancel", to: provider.destination) { _ in }
    }

    /// ACK and BYE a 2xx nobody wants any more (RFC 3261 §13.2.2.4: every 2xx is ACKed).
    func hangUpUnwantedAnswer(_ response: SIPResponse, engine: NodeEngine) {
        var dialog = Dialog(
            callID: callID,
            localHeader: localFromHeader,
            remoteHeader: response.headers[.to] ?? "",
            localCSeq: 1,
            remoteTarget: B2BUASession.contactURI(response.headers[.contact]) ?? requestURI,
            routeSet: response.headers.values(.recordRoute).reversed(),
            destination: provider.destination
        )
        let local = engine.localAddress(for: provider.destination.transport)
        let userAgent = engine.configuration.sip.userAgent
        let ack = MessageFactory.inDialog(.ack, dialog: &dialog, local: local, branch: engine.ids.branch(), userAgent: userAgent, cseq: 1)
        engine.sendStateless(ack, to: dialog.destination)
        // A retransmitted 2xx gets its ACK again, but the call is hung up once.
        guard !hungUp else { return }
        hungUp = true
        let branch = engine.ids.branch()
        let bye = MessageFactory.inDialog(.bye, dialog: &dialog, local: local, branch: branch, userAgent: userAgent)
        _ = engine.startClientTransaction(bye, branch: branch, to: dialog.destination) { _ in }
    }

    /// A response for an attempt whose session has already ended.
    func abandonedLegReceived(_ response: SIPResponse, engine: NodeEngine) {
        if response.isProvisional, response.statusCode > 100 {
            receivedProvisional = true
            if cancelRequested { sendCancel(engine: engine) }
        } else if response.isSuccess {
            hangUpUnwantedAnswer(response, engine: engine)
        }
    }

    func cancelTimers() {
        timer?.cancel()
        timer = nil
    }
}
