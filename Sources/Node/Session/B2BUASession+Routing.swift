import Logging
import NIOCore
import Records
import SIPCore
import SIPTransaction
import SIPTransport

// Provider legs: bid groups (a parallel fork inside a group, a sequential cascade between groups), relaying
// their responses to the customer, and the first answer winning.
extension B2BUASession {
    /// Starts the next bid group, or answers the customer with the last failure when none is left.
    func tryNextGroup() {
        guard phase == .routing, cancelledAt == nil else { return }
        if pddBudgetSpent {
            // The whole cascade lives inside the PDD budget: past it, the customer hears the last failure now
            // rather than ringing later through a group it would no longer wait for.
            pendingGroups.removeAll()
            cdr.routing = Self.noting(budgetSpent: true, in: cdr.routing)
        }
        while liveAttempts.isEmpty {
            guard !pendingGroups.isEmpty else {
                failCustomer()
                return
            }
            let group = pendingGroups.removeFirst()
            let parallel = group.count > 1
            for planned in group {
                startAttempt(planned, parallel: parallel)
            }
        }
    }

    /// Sends one INVITE (or MESSAGE) to `planned`, with the bid of its negotiation when it is rated; a provider at
    /// capacity is passed over (recorded as a refused attempt).
    func startAttempt(_ planned: PlannedProvider, parallel: Bool) {
        let provider = planned.target
        guard engine.admitProviderLeg(provider.id) else {
            lastFailure = lastFailure ?? (503, "Service Unavailable (provider capacity)")
            return
        }
        attemptCount += 1
        engine.statistics.attempts += 1
        if attemptCount > 1 { engine.statistics.failovers += 1 }
        let local = engine.localAddress(for: provider.destination.transport)
        let callID = engine.ids.callID()
        let fromTag = engine.ids.tag()
        let branch = engine.ids.branch()
        var outbound = MessageFactory.outbound(
            from: aRequest, originalFrom: aFrom, originalTo: aTo, provider: provider, local: local, callID: callID, fromTag: fromTag,
            branch: branch, userAgent: userAgent
        )
        let negotiation = bidFor(planned)
        // Edited where it lies: a `var request = outbound.request` would share the header list and copy it (every
        // line retained) on the first append.
        if let negotiation {
            BFHeaders.addBid(negotiation, to: &outbound.request)
        } else {
            BFHeaders.removeAll(from: &outbound.request)
        }
        let request = outbound.request
        let attempt = ProviderAttempt(number: attemptCount, planned: planned, callID: callID, fromTag: fromTag, request: request)
        attempt.negotiation = negotiation
        attempt.startedAt = engine.now()
        liveAttempts.append(attempt)
        providerCallIDs.append(callID)
        engine.registerProviderLeg(callID, for: self)
        let bLeg = CallLeg(
            callID: callID,
            localTag: fromTag,
            fromURI: outbound.fromURI,
            toURI: outbound.toURI,
            pAssertedIdentity: request.headers[.pAssertedIdentity],
            source: local.recordText,
            destination: provider.addressText,
            transport: SignalingTransport(rawValue: provider.destination.transport.rawValue)
        )
        cdr.beginAttempt(provider: provider.id, destination: provider.addressText, bLeg: bLeg, at: engine.now(), parallel: parallel)
        attempt.timer = scheduleAttemptTimer(after: engine.configuration.sip.providerTimeout, attempt: attempt)
        // The session may be gone when a provider answers late; the attempt alone can still CANCEL
        // a late 1xx and ACK and BYE a late 2xx. The driver drops this closure when it terminates.
        let engine = self.engine
        attempt.client = engine.startClientTransaction(request, branch: branch, to: provider.destination) { [weak self] event in
            if case .response(let response) = event, response.statusCode >= 200 { attempt.finalReceived() }
            if let self {
                self.attemptEvent(event, attempt: attempt)
            } else if case .response(let response) = event {
                attempt.abandonedLegReceived(response, engine: engine)
            }
        }
        // The transaction's start queued the INVITE; it is on the wire once the transport has flushed it.
        if isInvite && !inviteDelayRecorded {
            inviteDelayRecorded = true
            let timer = engine.metrics.inviteDelay
            let receivedAt = self.receivedAt
            engine.transport.whenSent { EngineMetrics.record(timer, since: receivedAt) }
        }
    }

    /// A rated session that has tried a group and still has no provisional after `[rating] pdd_budget_ms`.
    private var pddBudgetSpent: Bool {
        guard route.customerMatch != nil, attemptCount > 0, cdr.firstProvisionalMicros == nil, !pendingGroups.isEmpty else { return false }
        let (seconds, attoseconds) = engine.configuration.rating.pddBudget.components
        return engine.now() - cdr.setupMicros >= seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    private static func noting(budgetSpent: Bool, in routing: CanonicalBlock<RoutingBlock>?) -> CanonicalBlock<RoutingBlock>? {
        switch routing {
        case .typed(var block)?:
            block.pddBudgetSpent = budgetSpent
            return .typed(block)
        case .json(.object(var fields))?:
            fields["pdd_budget_spent"] = .bool(budgetSpent)
            return .json(.object(fields))
        case .json?, nil:
            return routing
        }
    }

    func isLive(_ attempt: ProviderAttempt) -> Bool {
        !attempt.finished && liveAttempts.contains { $0 === attempt }
    }

    /// Marks `attempt` finished and out of the live set; frees its provider capacity slot unless it carries the call
    /// (the winner holds its slot until the session ends).
    func retire(_ attempt: ProviderAttempt, keepingCapacity: Bool = false) {
        attempt.finished = true
        attempt.cancelTimers()
        liveAttempts.removeAll { $0 === attempt }
        if !keepingCapacity {
            releaseCapacity(of: attempt)
        }
    }

    func releaseCapacity(of attempt: ProviderAttempt) {
        guard !attempt.capacityReleased else { return }
        attempt.capacityReleased = true
        engine.releaseProviderLeg(attempt.provider.id)
    }

    private func scheduleAttemptTimer(after delay: Duration, attempt: ProviderAttempt) -> EventLoopTimerQueue.Handle {
        engine.timerQueue.schedule(after: delay, target: self, tag: Self.attemptTimerTag(attempt))
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
    func attemptTimedOut(_ attempt: ProviderAttempt) {
        guard isLive(attempt) else { return }
        if attempt.receivedProvisional {
            sendCancel(for: attempt)
        }
        releaseClientTransaction(of: attempt)
        failed(code: 408, reason: "Request Timeout", response: nil, attempt: attempt, timedOut: true)
    }

    private func provisional(_ response: SIPResponse, attempt: ProviderAttempt) {
        let first = !attempt.receivedProvisional
        attempt.receivedProvisional = true
        if first, attempt.firstProvisionalAt == nil { attempt.firstProvisionalAt = engine.now() }
        // A CANCEL held back until the first provisional (RFC 3261 §9.1), also for attempts given up on.
        if attempt.cancelRequested {
            sendCancel(for: attempt)
            return
        }
        guard isLive(attempt) else { return }
        guard phase == .routing, cancelledAt == nil else { return }
        cdr.provisional(code: response.statusCode, at: engine.now())
        if first {
            attempt.timer?.cancel()
            attempt.timer = scheduleAttemptTimer(after: engine.configuration.sip.ringTimeout, attempt: attempt)
        }
        if let tag = response.toTag {
            cdr.updateBLeg(number: attempt.number, CallLeg(remoteTag: tag, userAgent: response.headers[.server] ?? response.headers[.userAgent]))
        }
        let local = engine.localAddress(for: aSource.transport)
        respondToCustomer(MessageFactory.relayed(BFHeaders.withoutNegotiation(response), to: aRequest, toTag: aToTag, taggedTo: aTaggedTo, local: local, userAgent: userAgent))
    }

    private func answered(_ response: SIPResponse, attempt: ProviderAttempt) {
        let now = engine.now()
        guard isInvite else {
            // MESSAGE: the provider's 2xx completes the session.
            guard isLive(attempt) else { return }
            winner = attempt
            retire(attempt, keepingCapacity: true)
            abandonSiblings(of: attempt, at: now)
            recordHealth(of: attempt, answered: true, at: now)
            bidAccepted(attempt, at: now)
            cdr.provisional(code: response.statusCode, at: now)
            cdr.answered(attemptNumber: attempt.number, code: response.statusCode, at: now)
            cdr.endAttempt(number: attempt.number, code: response.statusCode, reason: response.reasonPhrase, outcome: .answered, at: now)
            respondToCustomer(MessageFactory.relayed(BFHeaders.withoutNegotiation(response), to: aRequest, toTag: aToTag, taggedTo: aTaggedTo, local: nil, userAgent: userAgent))
            finish(finalCode: response.statusCode, reason: response.reasonPhrase, releasedBy: .provider, cause: .normal, at: now)
            return
        }
        // Every 2xx of an INVITE is ACKed end to end, even one we no longer want (RFC 3261 §13.2.2.4).
        guard isLive(attempt) else {
            if let dialog = bDialog, dialog.callID == attempt.callID {
                resendProviderACK()
            } else {
                // A losing fork answered too: its receipt is void, and the call is taken down on that side.
                if let guid = BFHeaders.receipt(in: response), phase != .ended {
                    cdr.attemptReceipt(number: attempt.number, Receipt(guid: guid, state: .voided, providerID: attempt.provider.id))
                }
                acknowledgeAndHangUp(response, attempt: attempt)
            }
            return
        }
        retire(attempt, keepingCapacity: true)
        let dialog = Dialog(
            callID: attempt.callID,
            localHeader: attempt.localFromHeader,
            remoteHeader: response.headers[.to] ?? "",
            localCSeq: 1,
            remoteTarget: Self.contactURI(response.headers[.contact]) ?? attempt.requestURI,
            routeSet: response.headers.values(.recordRoute).reversed(),
            destination: attempt.provider.destination
        )
        if cancelledAt != nil || phase != .routing {
            // The customer went away while the provider answered: take the call down on that side.
            bDialog = dialog
            sendProviderACK(body: nil)
            sendBye(on: .provider)
            releaseCapacity(of: attempt)
            cdr.endAttempt(number: attempt.number, code: response.statusCode, reason: response.reasonPhrase, outcome: .cancelled, at: now)
            finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: cancelledAt)
            return
        }
        winner = attempt
        abandonSiblings(of: attempt, at: now)
        recordHealth(of: attempt, answered: true, at: now)
        bidAccepted(attempt, at: now)
        bDialog = dialog
        cdr.updateBLeg(number: attempt.number, CallLeg(remoteTag: response.toTag, userAgent: response.headers[.server] ?? response.headers[.userAgent]))
        cdr.provisional(code: response.statusCode, at: now)
        cdr.answered(attemptNumber: attempt.number, code: response.statusCode, at: now)
        cdr.endAttempt(number: attempt.number, code: response.statusCode, reason: response.reasonPhrase, outcome: .answered, at: now)
        let proposedReceipt = receiptProposed(in: response, by: attempt)

        // Early offer: ACK the provider now. Late offer, or a receipt to confirm: the customer's ACK carries the
        // answer or the binding echo, so the provider's ACK waits for it.
        if aRequest.body.readableBytes > 0 && !proposedReceipt {
            sendProviderACK(body: nil)
        } else {
            pendingProviderACK = true
        }
        aDialog = Dialog(
            callID: aCallID,
            localHeader: aTaggedTo,
            remoteHeader: aRequest.headers[.from] ?? "",
            localCSeq: 0,
            remoteTarget: Self.contactURI(aRequest.headers[.contact]) ?? aRequest.uri,
            routeSet: aRequest.headers.values(.recordRoute),
            destination: aSource.replyDestination
        )
        let local = engine.localAddress(for: aSource.transport)
        let relayed = MessageFactory.relayed(BFHeaders.withoutNegotiation(response), to: aRequest, toTag: aToTag, taggedTo: aTaggedTo, local: local, userAgent: userAgent)
        phase = .answered
        engine.journalAnswered(self)
        respondToCustomer(relayed)
        // This runs while the engine handles the provider's 2xx, so its stamp is that response's arrival; the relayed
        // 200 is on the wire once the transport has flushed it.
        let timer = engine.metrics.answerDelay
        let answerReceivedAt = engine.messageReceivedAt
        engine.transport.whenSent { EngineMetrics.record(timer, since: answerReceivedAt) }
        startAnswerRetransmission()
        startCallTimers(answer: response)
    }

    /// The first answer won: every other live fork is cancelled (or, with no provisional yet, cancelled when one
    /// comes; a 2xx that still arrives is ACKed and hung up, its receipt voided).
    private func abandonSiblings(of winner: ProviderAttempt, at now: Int64) {
        for sibling in liveAttempts where sibling !== winner {
            retire(sibling)
            if sibling.receivedProvisional {
                sendCancel(for: sibling)
            }
            releaseClientTransaction(of: sibling)
            cdr.endAttempt(number: sibling.number, code: nil, reason: "another provider answered", outcome: .cancelled, at: now)
            bidEnded(sibling, outcome: "cancelled", asked: nil, at: now)
        }
    }

    private func failed(code: Int, reason: String, response: SIPResponse?, attempt: ProviderAttempt, timedOut: Bool) {
        guard isLive(attempt) else { return }
        retire(attempt)
        let now = engine.now()
        recordHealth(of: attempt, answered: false, at: now)
        if let reasonHeader = response?.headers[.reason], let q850 = Q850Reason(parsing: reasonHeader) {
            cdr.reason(q850Cause: q850.cause, text: q850.text)
        }
        if let cancelledAt {
            cdr.endAttempt(number: attempt.number, code: response?.statusCode, reason: response?.reasonPhrase, outcome: .cancelled, at: now)
            bidEnded(attempt, outcome: "cancelled", asked: nil, at: now)
            if liveAttempts.isEmpty {
                finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: cancelledAt)
            }
            return
        }
        // A counter-offer: a new round to the same provider when the ask still leaves the minimum spread.
        if let response, let next = counterOffer(response, attempt: attempt, at: now) {
            cdr.endAttempt(number: attempt.number, code: response.statusCode, reason: response.reasonPhrase, outcome: .failedOver, at: now)
            startAttempt(next, parallel: true)
            if !liveAttempts.isEmpty { return }
        } else {
            bidEnded(attempt, outcome: "declined", asked: nil, at: now)
        }
        lastFailure = (code, reason)
        // Forks of the same group still running: their answers decide.
        let siblingsRunning = !liveAttempts.isEmpty
        let failover = siblingsRunning || (Self.allowsFailover(code) && !pendingGroups.isEmpty && phase == .routing)
        let outcome: AttemptOutcome = failover ? .failedOver : (timedOut ? .timeout : .failed)
        cdr.endAttempt(number: attempt.number, code: response?.statusCode, reason: response?.reasonPhrase ?? reason, outcome: outcome, at: now)
        if siblingsRunning {
            return
        }
        if failover {
            tryNextGroup()
        } else if let response {
            respondToCustomer(MessageFactory.relayed(BFHeaders.withoutNegotiation(response), to: aRequest, toTag: aToTag, taggedTo: aTaggedTo, local: nil, userAgent: userAgent))
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

    /// RFC-style failover: 408, 5xx and 6xx except 603 Decline move on to the next group; so does 488 (a price the
    /// provider would not take is a provider we cannot use, not the customer's problem).
    static func allowsFailover(_ code: Int) -> Bool {
        code == 408 || code == 488 || (500...599).contains(code) || ((600...699).contains(code) && code != 603)
    }

    /// CANCEL from the customer (or BYE before answer): 487 now, CANCEL every live provider leg.
    func customerCancelled() {
        guard phase == .routing, cancelledAt == nil else { return }
        let now = engine.now()
        cancelledAt = now
        respondToCustomer(local: 487)
        guard !liveAttempts.isEmpty else {
            finish(finalCode: 487, reason: "Request Terminated", releasedBy: .customer, cause: .cancel, at: now)
            return
        }
        for attempt in liveAttempts {
            if attempt.receivedProvisional {
                sendCancel(for: attempt)
            } else {
                // RFC 3261 §9.1: no CANCEL before a provisional; send it when one arrives.
                attempt.cancelRequested = true
            }
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
        engine.timerQueue.schedule(after: engine.transactionTimers.timeout) { [weak client] in
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

    /// Feeds the provider's health window (ASR, PDD, latency) used by LCR.
    private func recordHealth(of attempt: ProviderAttempt, answered: Bool, at now: Int64) {
        let started = attempt.startedAt ?? now
        engine.recordProviderAttempt(
            attempt.provider.id, answered: answered, startedAt: started,
            firstProvisionalAt: attempt.firstProvisionalAt, endedAt: now
        )
    }

    static func contactURI(_ header: String?) -> SIPURI? {
        guard let header, let first = HeaderList.first(header) else { return nil }
        return (try? SIPNameAddress(parsing: first))?.uri
    }
}

/// First element of a comma-separated header value.
enum HeaderList {
    static func first(_ value: String) -> String? {
        // firstValue stops at the first element instead of splitting the whole list.
        SIPHeaders([SIPHeaderField(name: "X", value: value)]).firstValue(SIPHeaderName("X"))
    }
}
