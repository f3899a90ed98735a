/// RFC 3261 §17.2.2 server non-INVITE transaction, as a pure value.
///
/// The driver stores the last response sent and performs the returned actions in order.
public struct ServerNonInviteTransaction: Sendable, Hashable {
    /// What the driver must do after an event.
    public enum Action: Sendable, Hashable {
        /// Pass the request to the TU.
        case deliverRequest
        /// Send the response the TU just handed over.
        case transmitResponse(statusCode: Int)
        /// Resend the last response sent.
        case retransmitLastResponse
        /// Start (or restart) a timer.
        case startTimer(TransactionTimer, Duration)
        /// Stop a timer that is still running.
        case cancelTimer(TransactionTimer)
        /// Tell the TU the transport failed to send.
        case transportFailure
        /// The transaction is over; the driver removes it.
        case terminated
        /// The driver or TU called an event that is impossible in this state.
        case protocolViolation(TransactionError)
    }

    /// The RFC 3261 state.
    public enum State: Sendable, Hashable {
        /// Created, the request not yet handed over.
        case idle
        /// The request arrived; no response sent yet.
        case trying
        /// A provisional response was sent.
        case proceeding(lastStatusCode: Int)
        /// A final response was sent; request retransmissions get it again.
        case completed(statusCode: Int)
        /// Finished.
        case terminated
    }

    /// The current state.
    public private(set) var state: State = .idle
    private let reliableTransport: Bool
    private let timers: TransactionTimers
    private var running = RunningTimers()

    /// Creates a transaction; `reliableTransport` zeroes Timer J.
    public init(reliableTransport: Bool, timers: TransactionTimers = .rfc3261) {
        self.reliableTransport = reliableTransport
        self.timers = timers
    }

    /// Handles the request that created the transaction.
    public mutating func receivedRequest() -> [Action] {
        switch state {
        case .idle:
            state = .trying
            return [.deliverRequest]
        case .trying, .proceeding, .completed, .terminated:
            return [violation("initial request in state \(state); use receivedRetransmission()")]
        }
    }

    /// Handles a retransmission of the request.
    public mutating func receivedRetransmission() -> [Action] {
        switch state {
        case .idle:
            return [violation("retransmission before the initial request")]
        case .trying, .terminated:
            // Nothing to resend yet (Trying) or any more (Terminated).
            return []
        case .proceeding, .completed:
            return [.retransmitLastResponse]
        }
    }

    /// Handles a response the TU hands to the transaction.
    public mutating func sendResponse(statusCode: Int) -> [Action] {
        guard let statusClass = StatusClass(statusCode) else {
            return [.protocolViolation(TransactionError(.invalidStatusCode, reason: "status code \(statusCode)"))]
        }
        switch (state, statusClass) {
        case (.trying, .provisional), (.proceeding, .provisional):
            state = .proceeding(lastStatusCode: statusCode)
            return [.transmitResponse(statusCode: statusCode)]
        case (.trying, .success), (.trying, .failure), (.proceeding, .success), (.proceeding, .failure):
            state = .completed(statusCode: statusCode)
            var actions = [Action].reserving(3)
            actions.append(.transmitResponse(statusCode: statusCode))
            if reliableTransport {
                terminate(into: &actions)
            } else {
                actions.append(startTimer(.j, timers.timerJ))
            }
            return actions
        case (.idle, _), (.completed, _), (.terminated, _):
            // §17.2.2: a second final response must be discarded; the TU asking for one is a bug.
            return [violation("TU sent \(statusCode) in state \(state)")]
        }
    }

    /// Handles a timer the driver ran on this transaction's behalf.
    public mutating func timerFired(_ timer: TransactionTimer) -> [Action] {
        switch timer {
        case .j:
            break
        case .a, .b, .d, .e, .f, .g, .h, .i, .k, .l, .m, .retransmit2xx, .ack2xxTimeout:
            return [.protocolViolation(TransactionError(.foreignTimer, reason: "timer \(timer) on server non-INVITE"))]
        }
        // A timer that was cancelled but fired anyway (a race in the driver) is stale.
        guard running.remove(timer) else { return [] }
        switch state {
        case .completed:
            var actions = [Action].reserving(1)
            terminate(into: &actions)
            return actions
        case .idle, .trying, .proceeding, .terminated:
            return [violation("timer \(timer) running in state \(state)")]
        }
    }

    /// Handles a transport failure while sending a response.
    public mutating func transportError() -> [Action] {
        switch state {
        case .idle:
            return [violation("transport error before the initial request")]
        case .trying, .proceeding, .completed:
            var actions = [Action].reserving(3)
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

extension ServerNonInviteTransaction.Action: TimerCancelling {}
