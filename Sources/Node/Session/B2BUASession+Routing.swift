import Logging
import NIOCore
import Records
import SIPCore
import SIPTransaction
import SIPTransport

// Provider legs: serial attempts, failover and relaying their responses to the customer.
extension B2BUASession {
    /// Starts the next attempt, or answers the customer with the last failure when none is left.
    func tryNextProvider() {
        guard phase == .routing, cancelledAt == nil else { return }
        guard !remainingProviders.isEmpty else {
            failCustomer()
            return
        }
        let provider = remainingProviders.removeFirst()
        attemptCount += 1
        engine.statistics.attempts += 1
        if attemptCount > 1 { engine.statistics.failovers += 1 }
        let local = engine.localAddress(for: provider.destination.transport)
        let callID = engine.ids.callID()
        let fromTag = engine.ids.tag()
        let branch = engine.ids.branch()
        let request = MessageFactory.outbound(
            from: aRequest, provider: provider, local: local, callID: callID, fromTag: fromTag, branch: branch, userAgent: userAgent
        )
        let attempt = ProviderAttempt(number: attemptCount, provider: provider, callID: callID, fromTag: fromTag, request: request)
        self.attempt = attempt
        providerCallIDs.append(callID)
        engine.registerProviderLeg(callID, for: self)
        let bLeg = CallLeg(
            callID: callID,
            localTag: fromTag,
            fromURI: request.from?.uri.description,
            toURI: request.to?.uri.description,
            pAssertedIdentity: request.headers[.pAssertedIdentity],
            source: "\(local.transport.rawValue):\(local.host):\(local.port)",
            destination: provider.destination.addressText,
            transport: SignalingTransport(rawValue: provider.destination.transport.rawValue)
        )
        cdr.beginAttempt(provider: provider.id, destination: provider.destination.addressText, bLeg: bLeg, at: engine.now())
        attempt.timer = scheduleAttemptTimer(after: engine.configuration.sip.providerTimeout, attempt: attempt)
        // The session may be gone when a provider answers late; the attempt alone can still CANCEL
        // a late 1xx and ACK and BYE a late 2xx. The driver drops this closure when it terminates.
        let engine = self.engine
        attempt.client = engine.startClientTransaction(request, branch: branch, to: provider.destination) { [weak self] event in
            if let self {
                self.attemptEvent(event, attempt: attempt)
            } else if case .response(let response) = event {
                attempt.abandonedLegReceived(response, engine: engine)
            }
        }
    }

    private func scheduleAttemptTimer(after delay: Duration, attempt: ProviderAttempt) -> Scheduled<Void> {
        engine.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(duration: delay)) { [weak self, weak attempt] in
            guard let self, let attempt, !attempt.finished else { return }
            self.attemptTimedOut(attempt)
        }
    }

    private func attemptEvent(_ event: ClientTransactionDriver.Event, attempt: ProviderAttempt) {
        switch event {
        case .response(let response):
            if response.statusCode == 100 { return }
            if response.isProvisional {
                provisional(response, attempt: attempt)
            } else if response.isSuccess {
                answered(response, attempt: attempt)
            } else {
                failed(code: response.statusCode, reason: response.reasonPhrase, response: response, attempt: attempt, timedOut: false)
            }
        case .timeout:
            failed(code: 408, reason: "Request Timeout", response: nil, attempt: attempt, timedOut: true)
        case .transportFailure:
            failed(code: 503, reason: "Service Unavailable (transport failure)", response: nil, attempt: attempt, timedOut: false)
        }
    }

    /// Provider timeout (no provisional) or ring timeout (no answer): give up on this provider.
    private func attemptTimedOut(_ attempt: ProviderAttempt) {
        guard attempt === self.attempt, !attempt.finished else { return }
        if attempt.receivedProvisional {
            sendCancel(for: attempt)
        }
        releaseClientTransaction(of: attempt)
        failed(code: 408, reason: "Request Timeout", response: nil, attempt: attempt, timedOut: true)
    }

    private func provisional(_ response: SIPResponse, attempt: ProviderAttempt) {
        let first = !attempt.receivedProvisional
        attempt.receivedProvisional = true
        // A CANCEL held back until the first provisional (RFC 3261 §9.1), also for attempts given up on.
        if attempt.cancelRequested {
            sendCancel(for: attempt)
            return
        }
        guard attempt === self.attempt, !attempt.finished else { return }
        guard phase == .routing, cancelledAt == nil else { return }
        cdr.provisional(code: response.statusCode, at: engine.now())
        if first {
            attempt.timer?.cancel()
            attempt.timer = scheduleAttemptTimer(after: engine.configuration.sip.ringTimeout, attempt: attempt)
        }
        if let tag = response.to?.tag { cdr.updateBLeg(CallLeg(remoteTag: tag, userAgent: response.headers[.server] ?? response.headers[.userAgent])) }
        let local = engine.localAddress(for: aSource.transport)
        respondToCustomer(MessageFactory.relayed(response, to: aRequest, toTag: aToTag, local: local, userAgent: userAgent))
    }

    private func answered(_ response: SIPResponse, attempt: ProviderAttempt) {
        let now = engine.now()
        guard isInvite else {
            // MESSAGE: the provider's 2xx completes the session.
            guard attempt === self.attempt, !attempt.finished else { return }
            attempt.finished = true
            attempt.cancelTimers()
            cdr.provisional(code: response.statusCode, at: now)
            cdr.answered(at: now)
            cdr.endAttempt(code: response.statusCode, reason: response.reasonPhrase, outcome: .answered, at: now)
            respondToCustomer(MessageFactory.relayed(response, to: aRequest, toTag: aToTag, local: nil, userAgent: userAgent))
            finish(finalCode: response.statusCode, reason: response.reasonPhrase, releasedBy: .provider, cause: .normal, at: now)
            return
        }
        // Every 2xx of an INVITE is ACKed end to end, even one we no longer want (RFC 3261 §13.2.2.4).
        if attempt !== self.attempt || attempt.finished {
            if let dialog = bDialog, dialog.callID == attempt.callID {
                resendProviderACK()
            } else {
                acknowledgeAndHangUp(response, attempt: attempt)
            }
            return
        }
        attempt.finished = true
        attempt.cancelTimers()
        let dialog = Dialog(
            callID: attempt.callID,
            localHeader: attempt.request.headers[.from] ?? "",
            remoteHeader: response.headers[.to] ?? "",
            localCSeq: 1,
            remoteTarget: Self.contactURI(response.headers[.contact]) ?? attempt.request.uri,
            routeSet: response.headers.values(.recordRoute).reversed(),
            destination: attempt.provider.destination
        )
        if cancelledAt != nil || phase != .routing {
            // The customer went away while the provider answered: take the call down on that side.
            bDialog = dialog
            sendProviderACK(body: nil)
            sendBye(on: .provider)
            cdr.endAttempt(code: response.statusCode, reason: response.reasonPhrase, outcome: .cancelled, at: now)
            finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: cancelledAt)
            return
        }
        bDialog = dialog
        cdr.updateBLeg(CallLeg(remoteTag: response.to?.tag, userAgent: response.headers[.server] ?? response.headers[.userAgent]))
        cdr.provisional(code: response.statusCode, at: now)
        cdr.answered(at: now)
        cdr.endAttempt(code: response.statusCode, reason: response.reasonPhrase, outcome: .answered, at: now)

        // Early offer: ACK the provider now. Late offer: the customer's ACK carries the answer.
        if aRequest.body.readableBytes > 0 {
            sendProviderACK(body: nil)
        } else {
            pendingProviderACK = true
        }
        aDialog = Dialog(
            callID: aCallID,
            localHeader: Self.withTag(aRequest.headers[.to] ?? "", tag: aToTag),
            remoteHeader: aRequest.headers[.from] ?? "",
            localCSeq: 0,
            remoteTarget: Self.contactURI(aRequest.headers[.contact]) ?? aRequest.uri,
            routeSet: aRequest.headers.values(.recordRoute),
            destination: aSource.replyDestination
        )
        let local = engine.localAddress(for: aSource.transport)
        let relayed = MessageFactory.relayed(response, to: aRequest, toTag: aToTag, local: local, userAgent: userAgent)
        phase = .answered
        respondToCustomer(relayed)
        startAnswerRetransmission()
        startCallTimers(answer: response)
    }

    private func failed(code: Int, reason: String, response: SIPResponse?, attempt: ProviderAttempt, timedOut: Bool) {
        guard attempt === self.attempt, !attempt.finished else { return }
        attempt.finished = true
        attempt.cancelTimers()
        let now = engine.now()
        if let reasonHeader = response?.headers[.reason], let q850 = Q850Reason(parsing: reasonHeader) {
            cdr.reason(q850Cause: q850.cause, text: q850.text)
        }
        if let cancelledAt {
            cdr.endAttempt(code: response?.statusCode, reason: response?.reasonPhrase, outcome: .cancelled, at: now)
            finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: cancelledAt)
            return
        }
        lastFailure = (code, reason)
        let failover = Self.allowsFailover(code) && !remainingProviders.isEmpty && phase == .routing
        let outcome: AttemptOutcome = failover ? .failedOver : (timedOut ? .timeout : .failed)
        cdr.endAttempt(code: response?.statusCode, reason: response?.reasonPhrase ?? reason, outcome: outcome, at: now)
        if failover {
            tryNextProvider()
        } else if let response {
            respondToCustomer(MessageFactory.relayed(response, to: aRequest, toTag: aToTag, local: nil, userAgent: userAgent))
            finish(finalCode: code, reason: response.reasonPhrase, releasedBy: .provider, cause: .failure, at: now)
        } else {
            failCustomer()
        }
    }

    /// No provider left: the customer gets the last failure (408 after a timeout, 503 when nobody was tried).
    private func failCustomer() {
        let code = lastFailure?.code ?? 503
        let reason = lastFailure?.reason ?? "Service Unavailable"
        respondToCustomer(local: code, reason: reason)
        let releasedBy: ReleasedBy = code == 408 || lastFailure == nil ? .node : .provider
        let cause: ReleaseCause = code == 408 ? .timeout : .failure
        finish(finalCode: code, reason: reason, releasedBy: releasedBy, cause: cause)
    }

    /// RFC-style serial failover: 408, 5xx and 6xx except 603 Decline move on to the next provider.
    static func allowsFailover(_ code: Int) -> Bool {
        code == 408 || (500...599).contains(code) || ((600...699).contains(code) && code != 603)
    }

    /// CANCEL from the customer (or BYE before answer): 487 now, CANCEL the provider leg.
    func customerCancelled() {
        guard phase == .routing, cancelledAt == nil else { return }
        let now = engine.now()
        cancelledAt = now
        respondToCustomer(local: 487)
        guard let attempt, !attempt.finished else {
            finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: now)
            return
        }
        if attempt.receivedProvisional {
            sendCancel(for: attempt)
        } else {
            // RFC 3261 §9.1: no CANCEL before a provisional; send it when one arrives.
            attempt.cancelRequested = true
        }
    }

    /// Drops an attempt's INVITE transaction. After a CANCEL it must live on to ACK the provider's 487
    /// (RFC 3261 §9.1), so it is only dropped 64*T1 later if that final never comes.
    func releaseClientTransaction(of attempt: ProviderAttempt) {
        guard let client = attempt.client else { return }
        guard attempt.cancelSent else {
            // No provisional yet, so no CANCEL allowed (RFC 3261 §9.1). The transaction stays
            // (quietly) until Timer B: a late 1xx then gets the CANCEL, a late 2xx an ACK and a BYE.
            attempt.cancelRequested = true
            client.muteRetransmissions()
            return
        }
        engine.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(duration: engine.transactionTimers.timeout)) { [weak client] in
            client?.abandon()
        }
    }

    func sendCancel(for attempt: ProviderAttempt) {
        attempt.sendCancel(engine: engine)
    }

    /// A 2xx the client transaction no longer tracks (retransmission after Timer M): ACK again.
    func stray2xx(_ response: SIPResponse) {
        if let dialog = bDialog, dialog.callID == response.callID {
            resendProviderACK()
        }
    }

    /// ACK and BYE an answer we cannot use (a stale attempt answered late).
    private func acknowledgeAndHangUp(_ response: SIPResponse, attempt: ProviderAttempt) {
        attempt.hangUpUnwantedAnswer(response, engine: engine)
    }

    static func contactURI(_ header: String?) -> SIPURI? {
        guard let header, let first = HeaderList.first(header) else { return nil }
        return (try? SIPNameAddress(parsing: first))?.uri
    }

    static func withTag(_ header: String, tag: String) -> String {
        guard var address = try? SIPNameAddress(parsing: header) else { return header }
        if address.tag == nil { address.tag = tag }
        return address.description
    }
}

/// First element of a comma-separated header value.
enum HeaderList {
    static func first(_ value: String) -> String? {
        var headers = SIPHeaders()
        headers.append("X", value)
        return headers.values(SIPHeaderName("X")).first
    }
}
