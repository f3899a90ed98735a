/// RFC 3261 §17.2.1 server INVITE transaction with the RFC 6026 Accepted state, as a pure value.
///
/// The driver stores the last response sent and performs the returned actions in order.
public struct ServerInviteTransaction: Sendable, Hashable {
    /// What the driver must do after an event.
    public enum Action: Sendable, Hashable {
        /// Pass the INVITE to the TU.
        case deliverRequest
        /// Send a 100 Trying (sent at once, which RFC 3261 §17.2.1 allows, so no 200 ms timer exists).
        case send100Trying
        /// Send the response the TU just handed over.
        case transmitResponse(statusCode: Int)
        /// Resend the last response sent.
        case retransmitLastResponse
        /// Pass an ACK that arrived in Accepted to the TU (RFC 6026).
        case deliverACK
        /// Start (or restart) a timer.
        case startTimer(TransactionTimer, Duration)
        /// Stop a timer that is still running.
        case cancelTimer(TransactionTimer)
        /// Tell the TU the ACK for the non-2xx final response never came (Timer H).
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
        /// Created, the INVITE not yet handed over.
        case idle
        /// The INVITE arrived; only provisional responses sent so far.
        case proceeding(lastStatusCode: Int)
        /// A 2xx was sent; the TU retransmits it through this transaction (RFC 6026).
        case accepted(statusCode: Int)
        /// A non-2xx final response was sent and is retransmitted until the ACK.
        case completed(statusCode: Int)
        /// The ACK arrived; its retransmissions are absorbed.
        case confirmed
        /// Finished.
        case terminated
    }

    /// The current state.
    public private(set) var state: State = .idle
    private let reliableTransport: Bool
    private let timers: TransactionTimers
    private var running = RunningTimers()
    private var retransmitInterval: Duration

    /// Creates a transaction; `reliableTransport` suppresses Timer G and zeroes Timer I.
    public init(reliableTransport: Bool, timers: TransactionTimers = .rfc3261) {
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    /// Handles the INVITE that created the transaction: sends 100 Trying and passes it up.
    public mutating func receivedRequest() -> [Action] {
        switch state {
        case .idle:
            state = .proceeding(lastStatusCode: 100)
            return [.send100Trying, .deliverRequest]
        case .proceeding, .accepted, .completed, .confirmed, .terminated:
            return [violation("initial request in state \(state); use receivedRetransmission()")]
        }
    }

    /// Handles a retransmission of the INVITE.
    public mutating func receivedRetransmission() -> [Action] {
        switch state {
        case .idle:
            return [violation("retransmission before the initial request")]
        case .proceeding, .completed:
            return [.retransmitLastResponse]
        case .accepted, .confirmed, .terminated:
            // RFC 6026 §7.1: absorbed in Accepted; the TU's own 2xx retransmissions cover it.
            return []
        }
    }

    /// Handles a response the TU hands to the transaction, including its 2xx retransmissions.
    public mutating func sendResponse(statusCode: Int) -> [Action] {
        guard let statusClass = StatusClass(statusCode) else {
            return [.protocolViolation(TransactionError(.invalidStatusCode, reason: "status code \(statusCode)"))]
        }
        switch (state, statusClass) {
        case (.proceeding, .provisional):
            state = .proceeding(lastStatusCode: statusCode)
            return [.transmitResponse(statusCode: statusCode)]
        case (.proceeding, .success):
            state = .accepted(statusCode: statusCode)
            return [.transmitResponse(statusCode: statusCode), startTimer(.l, timers.timerL)]
        case (.accepted(let sent), .success) where sent == statusCode:
            return [.transmitResponse(statusCode: statusCode)]
        case (.proceeding, .failure):
            state = .completed(statusCode: statusCode)
            var actions = [Action].reserving(3)
            actions.append(.transmitResponse(statusCode: statusCode))
            if !reliableTransport {
                actions.append(startTimer(.g, retransmitInterval))
            }
            actions.append(startTimer(.h, timers.timerH))
            return actions
        case (.idle, _), (.accepted, _), (.completed, _), (.confirmed, _), (.terminated, _):
            return [violation("TU sent \(statusCode) in state \(state)")]
        }
    }

    /// Handles an ACK matched to this transaction.
    public mutating func receivedACK() -> [Action] {
        switch state {
        case .idle:
            return [violation("ACK before the initial request")]
        case .proceeding:
            // No final response yet, so this ACK acknowledges nothing.
            return []
        case .accepted:
            return [.deliverACK]
        case .completed:
            state = .confirmed
            var actions = [Action].reserving(4)
            running.cancel(.g, .h, into: &actions)
            if reliableTransport {
                terminate(into: &actions)
            } else {
                actions.append(startTimer(.i, timers.timerI))
            }
            return actions
        case .confirmed, .terminated:
            return []
        }
    }

    /// Decides how to answer a CANCEL for this transaction; the 487 itself goes through `sendResponse`.
    public func receivedCancel() -> CancelOutcome {
        switch state {
        case .proceeding:
            .terminateRequest
        case .accepted, .completed, .confirmed:
            .tooLate
        case .idle, .terminated:
            .noTransaction
        }
    }

    /// Handles a timer the driver ran on this transaction's behalf.
    public mutating func timerFired(_ timer: TransactionTimer) -> [Action] {
        switch timer {
        case .g, .h, .i, .l:
            break
        case .a, .b, .d, .e, .f, .j, .k, .m, .retransmit2xx, .ack2xxTimeout:
            return [.protocolViolation(TransactionError(.foreignTimer, reason: "timer \(timer) on server INVITE"))]
        }
        // A timer that was cancelled but fired anyway (a race in the driver) is stale.
        guard running.remove(timer) else { return [] }
        switch (timer, state) {
        case (.g, .completed):
            retransmitInterval = timers.doubledCapped(retransmitInterval)
            return [.retransmitLastResponse, startTimer(.g, retransmitInterval)]
        case (.h, .completed):
            var actions = [Action].reserving(4)
            running.cancel(.g, into: &actions)
            actions.append(.timeout)
            terminate(into: &actions)
            return actions
        case (.i, .confirmed), (.l, .accepted):
            var actions = [Action].reserving(2)
            terminate(into: &actions)
            return actions
        case (.g, _), (.h, _), (.i, _), (.l, _),
            (.a, _), (.b, _), (.d, _), (.e, _), (.f, _), (.j, _), (.k, _), (.m, _),
            (.retransmit2xx, _), (.ack2xxTimeout, _):
            // Running timers are always cancelled on leaving the state that started them.
            return [violation("timer \(timer) running in state \(state)")]
        }
    }

    /// Handles a transport failure while sending a response.
    public mutating func transportError() -> [Action] {
        switch state {
        case .idle:
            return [violation("transport error before the initial request")]
        case .proceeding, .accepted, .completed, .confirmed:
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

extension ServerInviteTransaction.Action: TimerCancelling {}
