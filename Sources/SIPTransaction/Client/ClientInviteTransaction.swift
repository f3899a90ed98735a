/// RFC 3261 §17.1.1 client INVITE transaction with the RFC 6026 Accepted state, as a pure value.
///
/// The driver stores the request and performs the returned actions in order.
public struct ClientInviteTransaction: Sendable, Hashable {
    /// What the driver must do after an event.
    public enum Action: Sendable, Hashable {
        /// Send (or resend) the INVITE the driver holds.
        case transmitRequest
        /// Send the hop-by-hop ACK for the non-2xx final response just received.
        case sendACK
        /// Pass the response with this status code to the TU.
        case deliverResponse(statusCode: Int)
        /// Start (or restart) a timer.
        case startTimer(TransactionTimer, Duration)
        /// Stop a timer that is still running.
        case cancelTimer(TransactionTimer)
        /// Tell the TU no final response arrived before Timer B.
        case timeout
        /// Tell the TU the transport failed to send.
        case transportFailure
        /// The transaction is over; the driver removes it.
        case terminated
        /// The driver or TU called an event that is impossible in this state.
        case protocolViolation(TransactionError)
    }

    /// The RFC 3261 / RFC 6026 state.
    public enum State: Sendable, Hashable {
        /// Created, `start()` not called yet.
        case idle
        /// Request sent, no response yet.
        case calling
        /// A provisional response arrived.
        case proceeding
        /// A 2xx arrived; further 2xx responses go to the TU (RFC 6026).
        case accepted
        /// A non-2xx final response arrived and was acknowledged.
        case completed(statusCode: Int)
        /// Finished.
        case terminated
    }

    /// The current state.
    public private(set) var state: State = .idle
    private let reliableTransport: Bool
    private let timers: TransactionTimers
    private var running = RunningTimers()
    private var retransmitInterval: Duration

    /// Creates a transaction; `reliableTransport` suppresses Timer A and zeroes Timer D.
    public init(reliableTransport: Bool, timers: TransactionTimers = .rfc3261) {
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    /// Sends the INVITE and starts Timers A (unreliable only) and B.
    public mutating func start() -> [Action] {
        switch state {
        case .idle:
            state = .calling
            var actions = [Action].reserving(3)
            actions.append(.transmitRequest)
            if !reliableTransport {
                actions.append(startTimer(.a, retransmitInterval))
            }
            actions.append(startTimer(.b, timers.timerB))
            return actions
        case .calling, .proceeding, .accepted, .completed, .terminated:
            return [violation("start() called in state \(state)")]
        }
    }

    /// Handles a response matched to this transaction.
    public mutating func receivedResponse(statusCode: Int) -> [Action] {
        guard let statusClass = StatusClass(statusCode) else {
            return [.protocolViolation(TransactionError(.invalidStatusCode, reason: "status code \(statusCode)"))]
        }
        switch (state, statusClass) {
        case (.idle, _):
            return [violation("response before start()")]

        case (.calling, .provisional):
            state = .proceeding
            // Retransmissions stop once the far end shows it has the request; the TU owns the wait now.
            var actions = [Action].reserving(3)
            running.cancel(.a, .b, into: &actions)
            actions.append(.deliverResponse(statusCode: statusCode))
            return actions
        case (.proceeding, .provisional):
            return [.deliverResponse(statusCode: statusCode)]

        case (.calling, .success), (.proceeding, .success):
            state = .accepted
            var actions = [Action].reserving(4)
            running.cancel(.a, .b, into: &actions)
            actions.append(.deliverResponse(statusCode: statusCode))
            actions.append(startTimer(.m, timers.timerM))
            return actions
        case (.accepted, .success):
            // RFC 6026: every 2xx, retransmitted or from another fork, goes up so the TU can ACK it.
            return [.deliverResponse(statusCode: statusCode)]

        case (.calling, .failure), (.proceeding, .failure):
            state = .completed(statusCode: statusCode)
            var actions = [Action].reserving(6)
            running.cancel(.a, .b, into: &actions)
            actions.append(.sendACK)
            actions.append(.deliverResponse(statusCode: statusCode))
            if reliableTransport {
                terminate(into: &actions)
            } else {
                actions.append(startTimer(.d, timers.timerD))
            }
            return actions
        case (.completed, .failure):
            // A retransmitted final response means our ACK was lost: send it again, tell nobody.
            return [.sendACK]

        case (.accepted, .provisional), (.accepted, .failure),
            (.completed, .provisional), (.completed, .success),
            (.terminated, _):
            // Late or reordered datagrams; absorbing them is the only safe reaction.
            return []
        }
    }

    /// Handles a timer the driver ran on this transaction's behalf.
    public mutating func timerFired(_ timer: TransactionTimer) -> [Action] {
        switch timer {
        case .a, .b, .d, .m:
            break
        case .e, .f, .g, .h, .i, .j, .k, .l, .retransmit2xx, .ack2xxTimeout:
            return [.protocolViolation(TransactionError(.foreignTimer, reason: "timer \(timer) on client INVITE"))]
        }
        // A timer that was cancelled but fired anyway (a race in the driver) is stale.
        guard running.remove(timer) else { return [] }
        switch (timer, state) {
        case (.a, .calling):
            retransmitInterval = retransmitInterval * 2
            return [.transmitRequest, startTimer(.a, retransmitInterval)]
        case (.b, .calling):
            var actions = [Action].reserving(4)
            running.cancel(.a, into: &actions)
            actions.append(.timeout)
            terminate(into: &actions)
            return actions
        case (.d, .completed), (.m, .accepted):
            var actions = [Action].reserving(2)
            terminate(into: &actions)
            return actions
        case (.a, _), (.b, _), (.d, _), (.m, _),
            (.e, _), (.f, _), (.g, _), (.h, _), (.i, _), (.j, _), (.k, _), (.l, _),
            (.retransmit2xx, _), (.ack2xxTimeout, _):
            // Running timers are always cancelled on leaving the state that started them.
            return [violation("timer \(timer) running in state \(state)")]
        }
    }

    /// Handles a transport failure while sending the request or an ACK.
    public mutating func transportError() -> [Action] {
        switch state {
        case .idle:
            return [violation("transport error before start()")]
        case .calling, .proceeding, .accepted, .completed:
            var actions = [Action].reserving(5)
            running.cancelAll(into: &actions)
            actions.append(.transportFailure)
            terminate(into: &actions)
            return actions
        case .terminated:
            return []
        }
    }

    private mutating func startTimer(_ timer: TransactionTimer, _ duration: Duration) -> Action {
        running.insert(timer)
        return .startTimer(timer, duration)
    }

    private mutating func terminate(into actions: inout [Action]) {
        state = .terminated
        running.cancelAll(into: &actions)
        actions.append(.terminated)
    }

    private func violation(_ reason: String, file: String = #fileID, line: Int = #line) -> Action {
        .protocolViolation(TransactionError(.invalidEvent, reason: reason, file: file, line: line))
    }
}

extension ClientInviteTransaction.Action: TimerCancelling {}
