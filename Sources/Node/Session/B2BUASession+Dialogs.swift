import Logging
import NIOCore
import Records
import SIPCore
import SIPTransaction
import SIPTransport

// Confirmed dialogs: ACKs, BYE either way, mid-dialog requests relayed across, timers that end calls.
extension B2BUASession {
    /// A request with a To tag on one of our legs (BYE, re-INVITE, UPDATE, INFO ...).
    func receivedInDialog(_ request: SIPRequest, leg: Leg, server: ServerTransactionDriver) {
        let toTag = request.toTag
        switch request.method {
        case .bye:
            server.respond(MessageFactory.local(200, to: request, toTag: toTag, userAgent: userAgent))
            if mediaStatistics == nil { mediaStatistics = MediaStatistics.parse(request) }
            receivedBye(from: leg)
        case .invite, .update, .info, .message, .notify, .refer, .prack, .options, .subscribe, .publish, .register, .other:
            relay(request, from: leg, server: server)
        case .ack, .cancel:
            break  // routed elsewhere by the engine
        }
    }

    private func receivedBye(from leg: Leg) {
        switch phase {
        case .ended:
            return
        case .routing:
            // BYE before a final answer acts like CANCEL (only the customer can do this).
            if leg == .customer { customerCancelled() }
        case .answered, .confirmed:
            stopAnswerRetransmission()
            let other: Leg = leg == .customer ? .provider : .customer
            if other == .provider && pendingProviderACK {
                sendProviderACK(body: nil)
            }
            sendBye(on: other)
            finish(finalCode: 200, reason: "OK", releasedBy: leg == .customer ? .customer : .provider, cause: .normal)
        }
    }

    /// Relays a mid-dialog request to the other leg and its final response back.
    private func relay(_ request: SIPRequest, from leg: Leg, server: ServerTransactionDriver) {
        let other: Leg = leg == .customer ? .provider : .customer
        guard phase == .answered || phase == .confirmed, var dialog = other == .provider ? bDialog : aDialog else {
            server.respond(MessageFactory.local(request.method == .invite ? 491 : 481, to: request, toTag: request.toTag, userAgent: userAgent))
            return
        }
        let transportKind = dialog.destination.transport
        let local = engine.localAddress(for: transportKind)
        let branch = engine.ids.branch()
        var outbound = MessageFactory.inDialog(request.method, dialog: &dialog, local: local, branch: branch, userAgent: userAgent, copyingFrom: request)
        stampReceipt(on: &outbound)
        if other == .provider { bDialog = dialog } else { aDialog = dialog }
        let refresh = request.method == .invite || request.method == .update
        let localForReply = engine.localAddress(for: server.replyTo.transport)
        _ = engine.startClientTransaction(outbound, branch: branch, to: dialog.destination) { [weak self] event in
            guard let self else { return }
            switch event {
            case .response(let response):
                if response.statusCode == 100 { return }
                if response.isSuccess && outbound.method == .invite {
                    // We ACK the far side ourselves; the near side's ACK is absorbed.
                    self.sendInDialogACK(on: other, cseq: outbound.cseq?.sequence ?? 1)
                }
                if response.isSuccess && refresh { self.sessionRefreshed(response) }
                let relayed = MessageFactory.relayed(response, to: request, toTag: nil, local: localForReply, userAgent: self.userAgent)
                server.respond(relayed)
            case .timeout, .transportFailure:
                if !server.hasFinalResponse {
                    server.respond(MessageFactory.local(408, to: request, toTag: nil, userAgent: self.userAgent))
                }
            }
        }
    }

    /// ACK from either side: the customer's ACK for our 2xx, or one for a relayed re-INVITE.
    func receivedACK(_ request: SIPRequest, leg: Leg) {
        guard leg == .customer, phase == .answered else { return }
        guard request.cseq?.sequence == aRequest.cseq?.sequence else { return }
        phase = .confirmed
        stopAnswerRetransmission()
        cdr.acked(at: engine.now())
        receiptAcknowledged(by: request)
        if pendingProviderACK {
            sendProviderACK(body: request)
        }
    }

    /// The end-to-end ACK for the provider's 2xx (CSeq of the INVITE, new branch).
    func sendProviderACK(body source: SIPRequest?) {
        pendingProviderACK = false
        guard var dialog = bDialog else { return }
        let local = engine.localAddress(for: dialog.destination.transport)
        var ack = MessageFactory.inDialog(.ack, dialog: &dialog, local: local, branch: engine.ids.branch(), userAgent: userAgent, cseq: 1, copyingFrom: source)
        stampReceipt(on: &ack)
        engine.sendStateless(ack, to: dialog.destination)
    }

    func resendProviderACK() {
        guard !pendingProviderACK else { return }
        sendProviderACK(body: nil)
    }

    private func sendInDialogACK(on leg: Leg, cseq: UInt32) {
        guard var dialog = leg == .provider ? bDialog : aDialog else { return }
        let local = engine.localAddress(for: dialog.destination.transport)
        let ack = MessageFactory.inDialog(.ack, dialog: &dialog, local: local, branch: engine.ids.branch(), userAgent: userAgent, cseq: cseq)
        engine.sendStateless(ack, to: dialog.destination)
    }

    /// BYE on one leg, in its own client transaction; the answer does not matter to the CDR.
    func sendBye(on leg: Leg, reason: String? = nil) {
        guard var dialog = leg == .provider ? bDialog : aDialog else { return }
        let local = engine.localAddress(for: dialog.destination.transport)
        let branch = engine.ids.branch()
        var bye = MessageFactory.inDialog(.bye, dialog: &dialog, local: local, branch: branch, userAgent: userAgent)
        stampReceipt(on: &bye)
        if let reason {
            bye.headers.append("Reason", reason)
        }
        if leg == .provider { bDialog = dialog } else { aDialog = dialog }
        _ = engine.startClientTransaction(bye, branch: branch, to: dialog.destination) { _ in }
    }

    /// The node ends the session itself (drain, max duration, session timer, missing ACK).
    func terminateByNode(cause: ReleaseCause) {
        switch phase {
        case .ended:
            return
        case .routing:
            for attempt in liveAttempts {
                if attempt.receivedProvisional { sendCancel(for: attempt) }
                bidEnded(attempt, outcome: "cancelled", asked: nil, at: engine.now())
                retire(attempt)
                releaseClientTransaction(of: attempt)
                cdr.endAttempt(number: attempt.number, code: nil, reason: nil, outcome: .cancelled, at: engine.now())
            }
            if cancelledAt == nil {
                var extra = [("Retry-After", retryAfter(for: cause))]
                if let reason = Self.reasonHeader(for: cause) { extra.append(("Reason", reason)) }
                respondToCustomer(local: 503, extra: extra)
            }
            finish(finalCode: 503, reason: "Service Unavailable", releasedBy: .node, cause: cause)
        case .answered, .confirmed:
            stopAnswerRetransmission()
            if pendingProviderACK { sendProviderACK(body: nil) }
            let reason = Self.reasonHeader(for: cause)
            sendBye(on: .provider, reason: reason)
            sendBye(on: .customer, reason: reason)
            finish(finalCode: 200, reason: "OK", releasedBy: .node, cause: cause)
        }
    }

    /// The Reason header (RFC 3326) for the node's own BYE/503; only restriction says why today.
    static func reasonHeader(for cause: ReleaseCause) -> String? {
        switch cause {
        case .restriction:
            return NodeEngine.restrictionReason
        case .normal, .cancel, .timeout, .maxDuration, .drain, .failure, .noAck, .sessionTimer, .nodeFailure:
            return nil
        }
    }

    private func retryAfter(for cause: ReleaseCause) -> String {
        switch cause {
        case .restriction:
            return NodeEngine.seconds(engine.restrictionRetryAfter)
        case .normal, .cancel, .timeout, .maxDuration, .drain, .failure, .noAck, .sessionTimer, .nodeFailure:
            return "30"
        }
    }

    // MARK: - 2xx retransmission towards the customer until its ACK (RFC 3261 §13.3.1.4)

    func startAnswerRetransmission() {
        perform(answerRetransmission.start())
    }

    func stopAnswerRetransmission() {
        perform(answerRetransmission.receivedACK())
        aServer.answerAcknowledged()
    }

    func perform(_ actions: [UAS2xxRetransmission.Action]) {
        for action in actions {
            switch action {
            case .retransmitResponse:
                // Over TCP the 2xx is not retransmitted, but the ACK wait still applies.
                if aSource.transport == .udp { aServer.retransmitFinal() }
            case .startTimer(let timer, let duration):
                answerRetransmissionTimers.set(timer, engine.timerQueue.schedule(after: duration, target: self, tag: timer.queueTag))
            case .cancelTimer(let timer):
                answerRetransmissionTimers.cancel(timer)
            case .noACK:
                terminateByNode(cause: .noAck)
            case .protocolViolation:
                break
            }
        }
    }

    // MARK: - Call timers

    /// Max duration from answer, and the RFC 4028 session interval when one was negotiated.
    func startCallTimers(answer: SIPResponse) {
        maxDurationTimer = engine.timerQueue.schedule(after: engine.configuration.maxSessionDuration) { [weak self] in
            self?.terminateByNode(cause: .maxDuration)
        }
        sessionRefreshed(answer)
    }

    /// A 2xx carrying Session-Expires (answer, or a refresh re-INVITE/UPDATE) restarts the session timer.
    func sessionRefreshed(_ response: SIPResponse) {
        // RFC 4028 §9: a 2xx without Session-Expires means no session expiration, whatever the offer asked.
        guard let value = response.headers[.sessionExpires],
              let seconds = SessionExpires(parsing: value)?.seconds, seconds > 0 else { return }
        let interval = Duration.seconds(seconds)
        sessionInterval = interval
        sessionRefreshTimer?.cancel()
        // RFC 4028 §10: without a refresh by the end of the interval the session is over.
        sessionRefreshTimer = engine.timerQueue.schedule(after: interval) { [weak self] in
            self?.terminateByNode(cause: .sessionTimer)
        }
    }
}

/// `Session-Expires: 1800;refresher=uac` (RFC 4028 §4).
struct SessionExpires {
    let seconds: Int
    let refresher: String?

    init?(parsing value: String) {
        let parts = value.split(separator: ";")
        guard let first = parts.first, let seconds = Int(first.trimmingCharacters(in: " \t")) else { return nil }
        self.seconds = seconds
        self.refresher = parts.dropFirst().first { $0.trimmingCharacters(in: " \t").lowercased().hasPrefix("refresher=") }
            .map { String($0.split(separator: "=").last ?? "") }
    }
}

/// `Reason: Q.850;cause=16;text="Normal call clearing"` (RFC 3326).
struct Q850Reason {
    let cause: Int
    let text: String?

    init?(parsing value: String) {
        for element in SIPHeaders([SIPHeaderField(name: "Reason", value: value)]).values(.reason) {
            let parts = element.split(separator: ";")
            guard let protocolName = parts.first, protocolName.trimmingCharacters(in: " \t").uppercased() == "Q.850" else { continue }
            var cause: Int?
            var text: String?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let name = pair[0].trimmingCharacters(in: " \t").lowercased()
                let raw = pair[1].trimmingCharacters(in: " \t")
                if name == "cause" { cause = Int(raw) }
                if name == "text" { text = raw.trimmingCharacters(in: "\"") }
            }
            if let cause {
                self.cause = cause
                self.text = text
                return
            }
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
