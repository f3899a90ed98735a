/// The UAS core's 2xx retransmission until the ACK arrives (RFC 3261 §13.3.1.4), as a pure value.
///
/// Unlike Timers A, E and G this runs on reliable transports too: the RFC makes it independent of
/// transport because a proxy further along may use UDP. The 2xx itself is sent through the server
/// INVITE transaction, which passes retransmissions on while Accepted (RFC 6026).
public struct UAS2xxRetransmission: Sendable, Hashable {
    /// What the driver must do after an event.
    public enum Action: Sendable, Hashable {
        /// Resend the 2xx the driver holds.
        case retransmitResponse
        /// Start (or restart) a timer.
        case startTimer(TransactionTimer, Duration)
        /// Stop a timer that is still running.
        case cancelTimer(TransactionTimer)
        /// No ACK within 64*T1: the dialog is confirmed but the session should send BYE.
        case noACK
        /// The driver called an event that is impossible in this state.
        case protocolViolation(TransactionError)
    }

    /// Where the retransmission stands.
    public enum State: Sendable, Hashable {
        /// Created, the 2xx not yet sent.
        case idle
        /// The 2xx is out and being retransmitted.
        case waitingForACK
        /// The ACK arrived; retransmission stopped.
        case acknowledged
        /// 64*T1 passed without an ACK.
        case gaveUp
    }

    /// The current state.
    public private(set) var state: State = .idle
    private let timers: TransactionTimers
    private var running = RunningTimers()
    private var retransmitInterval: Duration

    /// Creates the machine with the given timer values.
    public init(timers: TransactionTimers = .rfc3261) {
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    /// Call right after the 2xx was first sent: starts retransmission and the 64*T1 limit.
    public mutating func start() -> [Action] {
        switch state {
        case .idle:
            state = .waitingForACK
            return [startTimer(.retransmit2xx, retransmitInterval), startTimer(.ack2xxTimeout, timers.timeout)]
        case .waitingForACK, .acknowledged, .gaveUp:
            return [violation("start() called in state \(state)")]
        }
    }

    /// Handles the ACK for the 2xx (and absorbs its retransmissions).
    public mutating func receivedACK() -> [Action] {
        switch state {
        case .idle:
            return [violation("ACK before start()")]
        case .waitingForACK:
            state = .acknowledged
            var actions = [Action].reserving(2)
            running.cancelAll(into: &actions)
            return actions
        case .acknowledged, .gaveUp:
            // A late ACK after giving up still must not restart anything.
            return []
        }
    }

    /// Handles a timer the driver ran on this machine's behalf.
    public mutating func timerFired(_ timer: TransactionTimer) -> [Action] {
        switch timer {
        case .retransmit2xx, .ack2xxTimeout:
            break
        case .a, .b, .d, .e, .f, .g, .h, .i, .j, .k, .l, .m:
            return [.protocolViolation(TransactionError(.foreignTimer, reason: "timer \(timer) on UAS 2xx retransmission"))]
        }
        // A timer that was cancelled but fired anyway (a race in the driver) is stale.
        guard running.remove(timer) else { return [] }
        switch (timer, state) {
        case (.retransmit2xx, .waitingForACK):
            retransmitInterval = timers.doubledCapped(retransmitInterval)
            return [.retransmitResponse, startTimer(.retransmit2xx, retransmitInterval)]
        case (.ack2xxTimeout, .waitingForACK):
            state = .gaveUp
            var actions = [Action].reserving(2)
            running.cancelAll(into: &actions)
            actions.append(.noACK)
            return actions
        case (.retransmit2xx, _), (.ack2xxTimeout, _),
            (.a, _), (.b, _), (.d, _), (.e, _), (.f, _), (.g, _), (.h, _), (.i, _), (.j, _), (.k, _), (.l, _), (.m, _):
            return [violation("timer \(timer) running in state \(state)")]
        }
    }

    private mutating func startTimer(_ timer: TransactionTimer, _ duration: Duration) -> Action {
        running.insert(timer)
        return .startTimer(timer, duration)
    }

    private func violation(_ reason: String, file: String = #fileID, line: Int = #line) -> Action {
        .protocolViolation(TransactionError(.invalidEvent, reason: reason, file: file, line: line))
    }
}

extension UAS2xxRetransmission.Action: TimerCancelling {}
