/// RFC 3261 §17.1.2 client non-INVITE transaction, as a pure value.
///
/// The driver stores the request and performs the returned actions in order.
public struct ClientNonInviteTransaction: Sendable, Hashable {
    /// What the driver must do after an event.
    public enum Action: Sendable, Hashable {
        /// Send (or resend) the request the driver holds.
        case transmitRequest
        /// Pass the response with this status code to the TU.
        case deliverResponse(statusCode: Int)
        /// Start (or restart) a timer.
        case startTimer(TransactionTimer, Duration)
        /// Stop a timer that is still running.
        case cancelTimer(TransactionTimer)
        /// Tell the TU no final response arrived before Timer F.
        case timeout
        /// Tell the TU the transport failed to send.
        case transportFailure
        /// The transaction is over; the driver removes it.
        case terminated
        /// The driver or TU called an event that is impossible in this state.
        case protocolViolation(TransactionError)
    }

    /// The RFC 3261 state.
    public enum State: Sendable, Hashable {
        /// Created, `start()` not called yet.
        case idle
        /// Request sent, no response yet.
        case trying
        /// A provisional response arrived.
        case proceeding
        /// A final response arrived; retransmissions of it are absorbed.
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

    /// Creates a transaction; `reliableTransport` suppresses Timer E and zeroes Timer K.
    public init(reliableTransport: Bool, timers: TransactionTimers = .rfc3261) {
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    /// Sends the request and starts Timers E (unreliable only) and F.
    public mutating func start() -> [Action] {
        switch state {
        case .idle:
            state = .trying
            var actions = [Action].reserving(3)
            actions.append(.transmitRequest)
            if !reliableTransport {
                actions.append(startTimer(.e, retransmitInterval))
            }
            actions.append(startTimer(.f, timers.timerF))
            return actions
        case .trying, .proceeding, .completed, .terminated:
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
        case (.trying, .provisional), (.proceeding, .provisional):
            // Timer E keeps running; from now on it fires every T2 (§17.1.2.2).
            state = .proceeding
            return [.deliverResponse(statusCode: statusCode)]
        case (.trying, .success), (.trying, .failure), (.proceeding, .success), (.proceeding, .failure):
            state = .completed(statusCode: statusCode)
            var actions = [Action].reserving(4)
            running.cancel(.e, .f, into: &actions)
            actions.append(.deliverResponse(statusCode: statusCode))
            if reliableTransport {
                terminate(into: &actions)
            } else {
                actions.append(startTimer(.k, timers.timerK))
            }
            return actions
        case (.completed, _), (.terminated, _):
            // Retransmitted or reordered responses after the final one are absorbed.
            return []
        }
    }

    /// Handles a timer the driver ran on this transaction's behalf.
    public mutating func timerFired(_ timer: TransactionTimer) -> [Action] {
        switch timer {
        case .e, .f, .k:
            break
        case .a, .b, .d, .g, .h, .i, .j, .l, .m, .retransmit2xx, .ack2xxTimeout:
            return [.protocolViolation(TransactionError(.foreignTimer, reason: "timer \(timer) on client non-INVITE"))]
        }
        // A timer that was cancelled but fired anyway (a race in the driver) is stale.
        guard running.remove(timer) else { return [] }
        switch (timer, state) {
        case (.e, .trying):
            retransmitInterval = timers.doubledCapped(retransmitInterval)
            return [.transmitRequest, startTimer(.e, retransmitInterval)]
        case (.e, .proceeding):
            retransmitInterval = timers.t2
            return [.transmitRequest, startTimer(.e, retransmitInterval)]
        case (.f, .trying), (.f, .proceeding):
            var actions = [Action].reserving(4)
            running.cancel(.e, into: &actions)
            actions.append(.timeout)
            terminate(into: &actions)
            return actions
        case (.k, .completed):
            var actions = [Action].reserving(2)
            terminate(into: &actions)
            return actions
        case (.e, _), (.f, _), (.k, _),
            (.a, _), (.b, _), (.d, _), (.g, _), (.h, _), (.i, _), (.j, _), (.l, _), (.m, _),
            (.retransmit2xx, _), (.ack2xxTimeout, _):
            // Running timers are always cancelled on leaving the state that started them.
            return [violation("timer \(timer) running in state \(state)")]
        }
    }

    /// Handles a transport failure while sending the request.
    public mutating func transportError() -> [Action] {
        switch state {
        case .idle:
            return [violation("transport error before start()")]
        case .trying, .proceeding, .completed:
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

extension ClientNonInviteTransaction.Action: TimerCancelling {}
