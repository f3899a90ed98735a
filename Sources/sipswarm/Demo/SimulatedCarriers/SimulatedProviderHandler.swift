import Logging
import NIOCore
import SIPCore

/// The provider's UAS. A channel handler: all state is confined to the channel's event loop
/// by the pipeline; timers re-enter through `NIOLoopBound`.
final class SimulatedProviderHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// A dialog (or would-be dialog) as the UAS sees it.
    private struct CallKey: Hashable, Sendable {
        var callID: String
        var fromTag: String
    }

    private enum Phase {
        /// 180 sent, 200 OK scheduled.
        case ringing
        /// 200 OK sent, retransmitted until the ACK.
        case answered
        /// ACK for the 200 OK received.
        case confirmed
        /// Non-2xx final sent (reject or 487), retransmitted until the ACK.
        case rejected
        /// Over; kept for 64 × T1 so retransmissions still match.
        case terminated
    }

    private struct Call {
        var invite: SIPRequest
        var inviteBranch: String
        var toTag: String
        var source: SocketAddress
        var phase: Phase
        var lastResponse: SIPResponse
        /// At most one timer per phase: answer, retransmission or cleanup.
        var timer: Scheduled<Void>?
        /// Of the final response, until the ACK.
        var retransmission: SimulatedRetransmission?
    }

    private enum TimerEvent: Sendable {
        case answer(CallKey)
        case retransmitFinal(CallKey)
        case forget(CallKey)
    }

    private let configuration: SimulatedProvider.Configuration
    private let counters: SimulatedCounterBox<SimulatedProvider.Counters>
    private let logger: Logger
    private let parser = SIPParser()
    private var context: ChannelHandlerContext?
    private var calls: [CallKey: Call] = [:]
    private var inviteCount = 0

    init(configuration: SimulatedProvider.Configuration, counters: SimulatedCounterBox<SimulatedProvider.Counters>, logger: Logger) {
        self.configuration = configuration
        self.counters = counters
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        for call in calls.values { call.timer?.cancel() }
        calls.removeAll()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP send error concerns one datagram; the socket stays usable.
        logger.debug("provider socket error", metadata: ["error": "\(error)"])
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        logger.trace("provider received", metadata: ["from": "\(envelope.remoteAddress)", "message": "\(String(buffer: envelope.data))"])
        let message: SIPMessage
        do {
            message = try parser.parse(envelope.data, framing: .datagram)
        } catch {
            counters.update { $0.malformed += 1 }
            if let badRequest = BadRequestResponder.response(for: envelope.data, error: error) {
                send(badRequest, to: envelope.remoteAddress)
            }
            return
        }
        switch message {
        case .request(let request):
            handle(request, from: envelope.remoteAddress)
        case .response:
            // The provider sends no requests, so no response is expected.
            logger.debug("provider ignored a response")
        }
    }

    private func handle(_ request: SIPRequest, from source: SocketAddress) {
        switch request.method {
        case .invite: handleInvite(request, from: source)
        case .ack: handleACK(request)
        case .cancel: handleCancel(request, from: source)
        case .bye: handleBye(request, from: source)
        case .options:
            counters.update { $0.options += 1 }
            var ok = SIPResponse(replyingTo: request, statusCode: 200, toTag: SimulatedIdentifiers.token())
            ok.headers.append("Allow", Self.allow)
            ok.headers.append("Accept", SimulatedSDP.contentType)
            send(ok, to: source)
        case .register, .message, .info, .update, .prack, .subscribe, .notify, .publish, .refer, .other:
            var notAllowed = SIPResponse(replyingTo: request, statusCode: 405, toTag: SimulatedIdentifiers.token())
            notAllowed.headers.append("Allow", Self.allow)
            send(notAllowed, to: source)
        }
    }

    private static let allow = "INVITE, ACK, CANCEL, BYE, OPTIONS"

    // MARK: INVITE

    private func handleInvite(_ invite: SIPRequest, from source: SocketAddress) {
        guard let key = Self.key(invite), let branch = invite.topVia?.branch else {
            send(SIPResponse(replyingTo: invite, statusCode: 400, reasonPhrase: "Bad Request (missing From tag or Via branch)"), to: source)
            return
        }
        if var call = calls[key] {
            if call.inviteBranch == branch {
                // Retransmission: the last response again (RFC 3261 §17.2.1).
                counters.update { $0.inviteRetransmissions += 1 }
                call.source = source
                calls[key] = call
                send(call.lastResponse, to: source)
                return
            }
            if invite.to?.tag == call.toTag, call.phase == .confirmed {
                // re-INVITE (session refresh): accept with the same SDP, no new dialog.
                send(answer(to: invite, toTag: call.toTag), to: source)
                return
            }
            call.timer?.cancel()
            calls[key] = nil
        }
        inviteCount += 1
        counters.update { $0.invites += 1 }
        let toTag = SimulatedIdentifiers.token()
        let rejection: Int? =
            if let code = configuration.rejectAll {
                code
            } else if let every = configuration.rejectEvery, inviteCount % every == 0 {
                503
            } else {
                nil
            }
        send(SIPResponse(replyingTo: invite, statusCode: 100), to: source)
        var ringing = SIPResponse(replyingTo: invite, statusCode: 180, toTag: toTag)
        Self.copyRecordRoute(from: invite, to: &ringing)
        ringing.headers.append("Contact", contact)
        var call = Call(
            invite: invite, inviteBranch: branch, toTag: toTag, source: source, phase: .ringing,
            lastResponse: ringing, timer: nil, retransmission: nil
        )
        if let rejection {
            counters.update { $0.rejected += 1 }
            calls[key] = call
            sendFinal(SIPResponse(replyingTo: invite, statusCode: rejection, toTag: toTag), for: key)
            return
        }
        send(ringing, to: source)
        call.timer = schedule(.answer(key), in: TimeAmount(configuration.answerDelay))
        calls[key] = call
    }

    private func answer(to invite: SIPRequest, toTag: String) -> SIPResponse {
        var ok = SIPResponse(replyingTo: invite, statusCode: 200, toTag: toTag)
        Self.copyRecordRoute(from: invite, to: &ok)
        ok.headers.append("Contact", contact)
        ok.headers.append("Allow", Self.allow)
        ok.headers.append("Server", "sipswarm-demo-provider")
        var body = ByteBuffer()
        body.writeString(SimulatedSDP.answer(host: configuration.host))
        ok.setBody(body, contentType: SimulatedSDP.contentType)
        return ok
    }

    /// Sends a final response to the INVITE and retransmits it until the ACK (RFC 3261 §13.3.1.4, §17.2.1).
    private func sendFinal(_ response: SIPResponse, for key: CallKey) {
        guard var call = calls[key] else { return }
        call.timer?.cancel()
        call.phase = response.isSuccess ? .answered : .rejected
        call.lastResponse = response
        // Timers G/H for non-2xx, the UAS core's 2xx retransmission for 2xx: same schedule.
        let retransmission = SimulatedRetransmission(timers: configuration.timers, cappedAtT2: true)
        call.retransmission = retransmission
        call.timer = schedule(.retransmitFinal(key), at: retransmission.nextFire)
        calls[key] = call
        send(response, to: call.source)
    }

    // MARK: ACK, CANCEL, BYE

    private func handleACK(_ ack: SIPRequest) {
        guard let key = Self.key(ack), var call = calls[key] else { return }
        switch call.phase {
        case .answered:
            counters.update { $0.acks += 1 }
            call.timer?.cancel()
            call.timer = nil
            call.retransmission = nil
            call.phase = .confirmed
            calls[key] = call
        case .rejected where ack.topVia?.branch == call.inviteBranch:
            terminate(key)
        case .ringing, .confirmed, .rejected, .terminated:
            // Retransmitted or stray ACK: absorbed (an ACK is never answered).
            return
        }
    }

    private func handleCancel(_ cancel: SIPRequest, from source: SocketAddress) {
        guard let key = Self.key(cancel), let call = calls[key], cancel.topVia?.branch == call.inviteBranch else {
            send(SIPResponse(replyingTo: cancel, statusCode: 481, toTag: SimulatedIdentifiers.token()), to: source)
            return
        }
        send(SIPResponse(replyingTo: cancel, statusCode: 200, toTag: call.toTag), to: source)
        switch call.phase {
        case .ringing:
            counters.update { $0.cancels += 1 }
            sendFinal(SIPResponse(replyingTo: call.invite, statusCode: 487, toTag: call.toTag), for: key)
        case .answered, .confirmed, .rejected, .terminated:
            // Too late: the INVITE already has its final response (RFC 3261 §9.2).
            return
        }
    }

    private func handleBye(_ bye: SIPRequest, from source: SocketAddress) {
        guard let key = Self.key(bye), let call = calls[key], bye.to?.tag == call.toTag else {
            send(SIPResponse(replyingTo: bye, statusCode: 481), to: source)
            return
        }
        switch call.phase {
        case .answered, .confirmed:
            counters.update { $0.byes += 1 }
            terminate(key)
            send(SIPResponse(replyingTo: bye, statusCode: 200), to: source)
        case .terminated:
            // Retransmitted BYE.
            send(SIPResponse(replyingTo: bye, statusCode: 200), to: source)
        case .ringing, .rejected:
            send(SIPResponse(replyingTo: bye, statusCode: 481), to: source)
        }
    }

    private func terminate(_ key: CallKey) {
        guard var call = calls[key] else { return }
        call.timer?.cancel()
        call.retransmission = nil
        call.phase = .terminated
        call.timer = schedule(.forget(key), in: configuration.timers.transactionTimeoutAmount)
        calls[key] = call
    }

    // MARK: Timers

    private func timerFired(_ event: TimerEvent) {
        switch event {
        case .answer(let key):
            guard let call = calls[key], call.phase == .ringing else { return }
            counters.update { $0.answered += 1 }
            sendFinal(answer(to: call.invite, toTag: call.toTag), for: key)
        case .retransmitFinal(let key):
            guard var call = calls[key], call.phase == .answered || call.phase == .rejected,
                  var retransmission = call.retransmission
            else { return }
            if retransmission.isTimeout {
                counters.update { $0.ackTimeouts += 1 }
                logger.debug("provider gave up waiting for an ACK")
                terminate(key)
                return
            }
            send(call.lastResponse, to: call.source)
            retransmission.retransmitted(t2: configuration.timers.t2Amount)
            call.retransmission = retransmission
            call.timer = schedule(.retransmitFinal(key), at: retransmission.nextFire)
            calls[key] = call
        case .forget(let key):
            calls[key] = nil
        }
    }

    private func schedule(_ event: TimerEvent, in delay: TimeAmount) -> Scheduled<Void>? {
        schedule(event, at: .now() + delay)
    }

    private func schedule(_ event: TimerEvent, at deadline: NIODeadline) -> Scheduled<Void>? {
        guard let context else { return nil }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(deadline: deadline) { handler.value.timerFired(event) }
    }

    // MARK: Helpers

    private var contact: String {
        let port = context?.channel.localAddress?.port ?? configuration.port
        return "<sip:\(configuration.name)@\(configuration.host):\(port)>"
    }

    /// Dialog-creating responses carry the request's Record-Route (RFC 3261 §12.1.1).
    private static func copyRecordRoute(from request: SIPRequest, to response: inout SIPResponse) {
        for field in request.headers where field.key == .recordRoute {
            response.headers.append(field.name, field.value)
        }
    }

    private static func key(_ request: SIPRequest) -> CallKey? {
        guard let callID = request.callID, let fromTag = request.from?.tag else { return nil }
        return CallKey(callID: callID, fromTag: fromTag)
    }

    /// Responses go back to the address the request came from (RFC 3581 style), which on
    /// loopback is always where the sender listens.
    private func send(_ response: SIPResponse, to address: SocketAddress) {
        guard let context else { return }
        var response = response
        if !response.headers.contains(.server) { response.headers.append("Server", "sipswarm-demo-provider") }
        let bytes = response.serialized(allocator: context.channel.allocator)
        logger.trace("provider sent", metadata: ["to": "\(address)", "message": "\(String(buffer: bytes))"])
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: bytes)), promise: nil)
    }
}
