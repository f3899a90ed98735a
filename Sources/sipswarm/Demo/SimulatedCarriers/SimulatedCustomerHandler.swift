import Logging
import NIOCore
import SIPCore

/// The customer's UAC. A channel handler: all state is confined to the channel's event loop
/// by the pipeline; timers re-enter through `NIOLoopBound`.
final class SimulatedCustomerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private enum Phase {
        /// INVITE sent, nothing heard yet; retransmitting (Timer A/B).
        case inviting
        /// 1xx received; waiting for the final response.
        case proceeding
        /// CANCEL sent after an 18x; waiting for 487.
        case cancelling
        /// 200 OK ACKed; BYE scheduled after the hold time.
        case holding
        /// BYE sent; waiting for its 200 OK.
        case releasing
        case finished
    }

    /// What the 200 OK established (RFC 3261 §12.1.2).
    private struct Dialog {
        var remoteTarget: SIPURI
        /// Record-Route reversed, as Route header values.
        var routeSet: [String]
        /// The To header of the 200 OK, remote tag included.
        var to: String
    }

    /// A request being retransmitted until a response arrives.
    private struct Pending {
        var bytes: ByteBuffer
        var method: SIPMethod
        var branch: String
        var schedule: SimulatedRetransmission
    }

    private struct Call {
        let index: Int
        let callID: String
        let dialedNumber: String
        let cancelPlanned: Bool
        let invite: SIPRequest
        let inviteBranch: String
        var phase: Phase = .inviting
        var rang = false
        var dialog: Dialog?
        /// The last ACK sent, sent again when the final response is retransmitted.
        var ack: ByteBuffer?
        var pending: Pending?
        /// At most one timer per phase: retransmission or hang-up.
        var timer: Scheduled<Void>?
        var outcome: CustomerCallOutcome?
    }

    private enum TimerEvent: Sendable {
        case placeNext
        case retransmit(Int)
        case hangUp(Int)
        case deadline
    }

    private let configuration: SimulatedCustomer.Configuration
    private let target: SocketAddress
    private let counters: SimulatedCounterBox<SimulatedCustomer.Counters>
    private let logger: Logger
    private let parser = SIPParser()
    private var context: ChannelHandlerContext?
    private var calls: [Call] = []
    private var indexByCallID: [String: Int] = [:]
    private var finishedCount = 0
    private var promise: EventLoopPromise<CustomerReport>?
    private var started = false
    private var startedAt = NIODeadline.now()
    private var pacingTimer: Scheduled<Void>?
    private var deadlineTimer: Scheduled<Void>?

    init(
        configuration: SimulatedCustomer.Configuration,
        target: SocketAddress,
        counters: SimulatedCounterBox<SimulatedCustomer.Counters>,
        logger: Logger
    ) {
        self.configuration = configuration
        self.target = target
        self.counters = counters
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pacingTimer?.cancel()
        deadlineTimer?.cancel()
        for call in calls { call.timer?.cancel() }
        if let promise {
            self.promise = nil
            promise.fail(SimulatedCarrierError(.closedBeforeFinish, "the customer's socket closed during the run"))
        }
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP send error concerns one datagram; retransmission covers it.
        logger.debug("customer socket error", metadata: ["error": "\(error)"])
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        logger.trace("customer received", metadata: ["from": "\(envelope.remoteAddress)", "message": "\(String(buffer: envelope.data))"])
        let message: SIPMessage
        do {
            message = try parser.parse(envelope.data, framing: .datagram)
        } catch {
            counters.update { $0.malformed += 1 }
            if let badRequest = BadRequestResponder.response(for: envelope.data, error: error) {
                send(badRequest.serialized(), to: envelope.remoteAddress)
            }
            return
        }
        switch message {
        case .response(let response): handle(response)
        case .request(let request): handle(request, from: envelope.remoteAddress)
        }
    }

    // MARK: Run

    /// Starts placing calls; the future completes with the report when all calls are over.
    func run() -> EventLoopFuture<CustomerReport> {
        guard let context else {
            preconditionFailure("run() before the handler joined a pipeline")
        }
        guard !started else {
            return context.eventLoop.makeFailedFuture(SimulatedCarrierError(.alreadyRunning, "a customer runs once"))
        }
        started = true
        startedAt = .now()
        let promise = context.eventLoop.makePromise(of: CustomerReport.self)
        self.promise = promise
        calls.reserveCapacity(configuration.calls)
        deadlineTimer = schedule(.deadline, at: startedAt + TimeAmount(configuration.effectiveDeadline))
        placeNextCall()
        return promise.futureResult
    }

    private func placeNextCall() {
        let index = calls.count
        guard index < configuration.calls else {
            completeIfDone()
            return
        }
        let callID = SimulatedIdentifiers.callID(host: configuration.host)
        let branch = SimulatedIdentifiers.branch()
        let dialedNumber = configuration.dialedNumber(index)
        let invite = makeInvite(callID: callID, branch: branch, dialedNumber: dialedNumber)
        var call = Call(
            index: index, callID: callID, dialedNumber: dialedNumber,
            cancelPlanned: configuration.cancelPlanned(index), invite: invite, inviteBranch: branch
        )
        let bytes = invite.serialized()
        call.pending = Pending(
            bytes: bytes, method: .invite, branch: branch,
            schedule: SimulatedRetransmission(timers: configuration.timers, cappedAtT2: false)
        )
        calls.append(call)
        indexByCallID[callID] = index
        counters.update { $0.placed += 1 }
        send(bytes, to: target)
        armRetransmission(index)
        // Absolute times, so the rate does not drift with scheduling delays.
        let nanosecondsPerCall = 1_000_000_000 / configuration.rate
        let next = startedAt + .nanoseconds(Int64((Double(index + 1) * nanosecondsPerCall).rounded()))
        pacingTimer = index + 1 < configuration.calls ? schedule(.placeNext, at: next) : nil
    }

    // MARK: Responses

    private func handle(_ response: SIPResponse) {
        guard let callID = response.callID, let index = indexByCallID[callID], let cseq = response.cseq,
              let branch = response.topVia?.branch
        else {
            counters.update { $0.stray += 1 }
            return
        }
        switch cseq.method {
        case .invite where branch == calls[index].inviteBranch:
            handleInviteResponse(response, index)
        case .cancel where branch == calls[index].inviteBranch:
            handleCancelResponse(response, index)
        case .bye where branch == calls[index].pending?.branch:
            handleByeResponse(response, index)
        default:
            counters.update { $0.stray += 1 }
        }
    }

    private func handleInviteResponse(_ response: SIPResponse, _ index: Int) {
        let phase = calls[index].phase
        if response.isProvisional {
            guard phase == .inviting || phase == .proceeding else { return }
            if phase == .inviting {
                // Timer A and B stop in Proceeding (RFC 3261 §17.1.1.2).
                stopRetransmission(index)
                calls[index].phase = .proceeding
            }
            if response.statusCode > 100, !calls[index].rang {
                calls[index].rang = true
                counters.update { $0.ringing += 1 }
                if calls[index].cancelPlanned { sendCancel(index) }
            }
            return
        }
        if response.isSuccess {
            switch phase {
            case .inviting, .proceeding, .cancelling:
                establish(index, with: response)
            case .holding, .releasing, .finished:
                // A retransmitted 200 OK: our ACK was lost (RFC 3261 §13.2.2.4).
                if let ack = calls[index].ack { send(ack, to: target) }
            }
            return
        }
        // Non-2xx final: ACKed within the INVITE transaction (RFC 3261 §17.1.1.3), retransmissions too.
        let ack = makeNonSuccessACK(calls[index], response: response)
        calls[index].ack = ack
        send(ack, to: target)
        switch phase {
        case .inviting, .proceeding:
            finish(index, .rejected(statusCode: response.statusCode))
        case .cancelling:
            finish(index, response.statusCode == 487 ? .cancelled : .rejected(statusCode: response.statusCode))
        case .holding, .releasing, .finished:
            return
        }
    }

    private func handleCancelResponse(_ response: SIPResponse, _ index: Int) {
        guard calls[index].phase == .cancelling, calls[index].pending?.method == .cancel, !response.isProvisional else { return }
        // The CANCEL is answered; the INVITE's 487 (or 200) decides the outcome.
        stopRetransmission(index)
    }

    private func handleByeResponse(_ response: SIPResponse, _ index: Int) {
        guard calls[index].phase == .releasing, !response.isProvisional else { return }
        finish(index, response.isSuccess ? .completed : .failed(.byeRejected(statusCode: response.statusCode)))
    }

    // MARK: Requests from the far end

    private func handle(_ request: SIPRequest, from source: SocketAddress) {
        switch request.method {
        case .ack:
            return
        case .bye:
            guard let callID = request.callID, let index = indexByCallID[callID],
                  request.from?.tag != nil, request.to?.tag == calls[index].invite.from?.tag
            else {
                send(SIPResponse(replyingTo: request, statusCode: 481).serialized(), to: source)
                return
            }
            send(SIPResponse(replyingTo: request, statusCode: 200).serialized(), to: source)
            switch calls[index].phase {
            case .holding, .releasing:
                counters.update { $0.byesReceived += 1 }
                finish(index, .completed)
            case .inviting, .proceeding, .cancelling, .finished:
                return
            }
        case .options:
            var ok = SIPResponse(replyingTo: request, statusCode: 200, toTag: SimulatedIdentifiers.token())
            ok.headers.append("Allow", Self.allow)
            send(ok.serialized(), to: source)
        case .invite, .cancel, .register, .message, .info, .update, .prack, .subscribe, .notify, .publish, .refer, .other:
            var notAllowed = SIPResponse(replyingTo: request, statusCode: 405, toTag: SimulatedIdentifiers.token())
            notAllowed.headers.append("Allow", Self.allow)
            send(notAllowed.serialized(), to: source)
        }
    }

    private static let allow = "ACK, BYE, OPTIONS"

    // MARK: Call steps

    private func sendCancel(_ index: Int) {
        let invite = calls[index].invite
        // RFC 3261 §9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via as the INVITE.
        var headers = SIPHeaders()
        headers.append("Via", invite.headers.values(.via).first ?? "")
        headers.append("Max-Forwards", "70")
        headers.append("From", invite.headers[.from] ?? "")
        headers.append("To", invite.headers[.to] ?? "")
        headers.append("Call-ID", calls[index].callID)
        headers.append("CSeq", SIPCSeq(sequence: Self.inviteSequence, method: .cancel).description)
        headers.append("Content-Length", "0")
        let cancel = SIPRequest(method: .cancel, uri: invite.uri, headers: headers)
        let bytes = cancel.serialized()
        calls[index].phase = .cancelling
        calls[index].pending = Pending(
            bytes: bytes, method: .cancel, branch: calls[index].inviteBranch,
            schedule: SimulatedRetransmission(timers: configuration.timers, cappedAtT2: true)
        )
        send(bytes, to: target)
        armRetransmission(index)
    }

    private func establish(_ index: Int, with response: SIPResponse) {
        let call = calls[index]
        let remoteTarget = response.headers.values(.contact).first
            .flatMap { try? SIPNameAddress(parsing: $0) }?.uri ?? call.invite.uri
        let dialog = Dialog(
            remoteTarget: remoteTarget,
            routeSet: response.headers.values(.recordRoute).reversed(),
            to: response.headers[.to] ?? call.invite.headers[.to] ?? ""
        )
        let ack = makeInDialogRequest(.ack, sequence: Self.inviteSequence, call: call, dialog: dialog, branch: SimulatedIdentifiers.branch())
        let bytes = ack.serialized()
        stopRetransmission(index)
        calls[index].dialog = dialog
        calls[index].ack = bytes
        calls[index].phase = .holding
        counters.update { $0.answered += 1 }
        // The ACK goes to the node whatever the Contact says: it is the only hop we know.
        send(bytes, to: target)
        calls[index].timer = schedule(.hangUp(index), in: TimeAmount(configuration.holdTime))
    }

    private func hangUp(_ index: Int) {
        guard calls[index].phase == .holding, let dialog = calls[index].dialog else { return }
        let branch = SimulatedIdentifiers.branch()
        let bye = makeInDialogRequest(.bye, sequence: Self.inviteSequence + 1, call: calls[index], dialog: dialog, branch: branch)
        let bytes = bye.serialized()
        calls[index].phase = .releasing
        calls[index].pending = Pending(
            bytes: bytes, method: .bye, branch: branch,
            schedule: SimulatedRetransmission(timers: configuration.timers, cappedAtT2: true)
        )
        send(bytes, to: target)
        armRetransmission(index)
    }

    private func finish(_ index: Int, _ outcome: CustomerCallOutcome) {
        guard calls[index].outcome == nil else { return }
        calls[index].timer?.cancel()
        calls[index].timer = nil
        calls[index].pending = nil
        calls[index].phase = .finished
        calls[index].outcome = outcome
        finishedCount += 1
        counters.update { counters in
            switch outcome {
            case .completed: counters.completed += 1
            case .rejected: counters.rejected += 1
            case .cancelled: counters.cancelled += 1
            case .failed: counters.failed += 1
            }
        }
        completeIfDone()
    }

    private func completeIfDone() {
        guard finishedCount == configuration.calls else { return }
        complete()
    }

    /// Ends the run: every call not finished by now (placed or not) counts as failed by the deadline.
    private func complete() {
        guard let promise else { return }
        self.promise = nil
        pacingTimer?.cancel()
        deadlineTimer?.cancel()
        for index in calls.indices where calls[index].outcome == nil {
            finish(index, .failed(.deadline))
        }
        var results = calls.map { call in
            CustomerCallResult(
                index: call.index, callID: call.callID, dialedNumber: call.dialedNumber,
                cancelPlanned: call.cancelPlanned, outcome: call.outcome ?? .failed(.deadline)
            )
        }
        for index in calls.count..<configuration.calls {
            counters.update { $0.failed += 1 }
            results.append(CustomerCallResult(
                index: index, callID: "", dialedNumber: configuration.dialedNumber(index),
                cancelPlanned: configuration.cancelPlanned(index), outcome: .failed(.deadline)
            ))
        }
        let elapsed = NIODeadline.now() - startedAt
        promise.succeed(CustomerReport(results: results, elapsed: .nanoseconds(elapsed.nanoseconds)))
    }

    // MARK: Timers

    private func timerFired(_ event: TimerEvent) {
        switch event {
        case .placeNext:
            placeNextCall()
        case .hangUp(let index):
            hangUp(index)
        case .deadline:
            logger.debug("customer run deadline passed")
            complete()
        case .retransmit(let index):
            guard var pending = calls[index].pending else { return }
            if pending.schedule.isTimeout {
                switch pending.method {
                case .invite: finish(index, .failed(.inviteTimeout))
                case .cancel: finish(index, .failed(.cancelTimeout))
                default: finish(index, .failed(.byeTimeout))
                }
                return
            }
            counters.update { $0.retransmissions += 1 }
            send(pending.bytes, to: target)
            pending.schedule.retransmitted(t2: configuration.timers.t2Amount)
            calls[index].pending = pending
            armRetransmission(index)
        }
    }

    private func armRetransmission(_ index: Int) {
        guard let pending = calls[index].pending else { return }
        calls[index].timer?.cancel()
        calls[index].timer = schedule(.retransmit(index), at: pending.schedule.nextFire)
    }

    private func stopRetransmission(_ index: Int) {
        calls[index].timer?.cancel()
        calls[index].timer = nil
        calls[index].pending = nil
    }

    private func schedule(_ event: TimerEvent, in delay: TimeAmount) -> Scheduled<Void>? {
        schedule(event, at: .now() + delay)
    }

    private func schedule(_ event: TimerEvent, at deadline: NIODeadline) -> Scheduled<Void>? {
        guard let context else { return nil }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(deadline: deadline) { handler.value.timerFired(event) }
    }

    // MARK: Messages

    private static let inviteSequence: UInt32 = 1

    private var localPort: Int { context?.channel.localAddress?.port ?? configuration.port }

    private func makeVia(branch: String) -> String {
        var via = SIPVia(transport: "UDP", host: configuration.host, port: localPort, branch: branch)
        via.parameters.set("rport", nil)
        return via.description
    }

    private func makeInvite(callID: String, branch: String, dialedNumber: String) -> SIPRequest {
        let requestURI = SIPURI(user: dialedNumber, host: configuration.targetHost, port: configuration.targetPort)
        var from = SIPNameAddress(uri: SIPURI(user: configuration.callingNumber, host: configuration.host))
        from.tag = SimulatedIdentifiers.token()
        let to = SIPNameAddress(uri: SIPURI(user: dialedNumber, host: configuration.targetHost))
        let contact = SIPNameAddress(uri: SIPURI(user: configuration.name, host: configuration.host, port: localPort))
        var headers = SIPHeaders()
        headers.append("Via", makeVia(branch: branch))
        headers.append("Max-Forwards", "70")
        headers.append("From", from.description)
        headers.append("To", to.description)
        headers.append("Call-ID", callID)
        headers.append("CSeq", SIPCSeq(sequence: Self.inviteSequence, method: .invite).description)
        headers.append("Contact", contact.description)
        headers.append("Allow", "ACK, CANCEL, BYE, OPTIONS")
        headers.append("User-Agent", "sipswarm-demo-customer")
        var invite = SIPRequest(method: .invite, uri: requestURI, headers: headers)
        var body = ByteBuffer()
        body.writeString(SimulatedSDP.offer(host: configuration.host))
        invite.setBody(body, contentType: SimulatedSDP.contentType)
        return invite
    }

    /// ACK for a non-2xx final: same top Via (branch) and Request-URI as the INVITE, To from the response.
    private func makeNonSuccessACK(_ call: Call, response: SIPResponse) -> ByteBuffer {
        var headers = SIPHeaders()
        headers.append("Via", call.invite.headers.values(.via).first ?? "")
        headers.append("Max-Forwards", "70")
        headers.append("From", call.invite.headers[.from] ?? "")
        headers.append("To", response.headers[.to] ?? call.invite.headers[.to] ?? "")
        headers.append("Call-ID", call.callID)
        headers.append("CSeq", SIPCSeq(sequence: Self.inviteSequence, method: .ack).description)
        headers.append("Content-Length", "0")
        return SIPRequest(method: .ack, uri: call.invite.uri, headers: headers).serialized()
    }

    /// ACK for the 2xx or BYE: a new transaction within the dialog (RFC 3261 §12.2.1.1).
    private func makeInDialogRequest(_ method: SIPMethod, sequence: UInt32, call: Call, dialog: Dialog, branch: String) -> SIPRequest {
        var headers = SIPHeaders()
        headers.append("Via", makeVia(branch: branch))
        headers.append("Max-Forwards", "70")
        for route in dialog.routeSet { headers.append("Route", route) }
        headers.append("From", call.invite.headers[.from] ?? "")
        headers.append("To", dialog.to)
        headers.append("Call-ID", call.callID)
        headers.append("CSeq", SIPCSeq(sequence: sequence, method: method).description)
        headers.append("User-Agent", "sipswarm-demo-customer")
        headers.append("Content-Length", "0")
        return SIPRequest(method: method, uri: dialog.remoteTarget, headers: headers)
    }

    private func send(_ bytes: ByteBuffer, to address: SocketAddress) {
        guard let context else { return }
        logger.trace("customer sent", metadata: ["to": "\(address)", "message": "\(String(buffer: bytes))"])
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: bytes)), promise: nil)
    }
}
