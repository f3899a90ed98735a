import SIPTransaction

/// A timer request extracted from a machine's action.
enum TimerCommand: Equatable {
    case start(TransactionTimer, Duration)
    case cancel(TransactionTimer)
}

/// A transaction-layer machine the virtual driver can run.
protocol TimerDrivenMachine {
    associatedtype Action: Equatable
    mutating func timerFired(_ timer: TransactionTimer) -> [Action]
    static func timerCommand(in action: Action) -> TimerCommand?
}

/// Drives a machine with a virtual clock: applies start/cancel actions and fires due timers as
/// time advances, so tests say "advance 500 ms" without sleeping.
struct VirtualTimerDriver<Machine: TimerDrivenMachine> {
    /// One action with the virtual time it was emitted at.
    struct Entry {
        let at: Duration
        let action: Machine.Action
    }

    private(set) var machine: Machine
    private(set) var now: Duration = .zero
    private(set) var deadlines: [TransactionTimer: Duration] = [:]
    private(set) var log: [Entry] = []
    /// Cancels of timers that were not pending: a machine/driver disagreement tests assert is empty.
    private(set) var strayCancels: [TransactionTimer] = []

    init(_ machine: Machine) {
        self.machine = machine
    }

    /// The timers currently scheduled.
    var pendingTimers: Set<TransactionTimer> { Set(deadlines.keys) }

    /// Delivers an event to the machine and applies its actions.
    @discardableResult
    mutating func send(_ event: (inout Machine) -> [Machine.Action]) -> [Machine.Action] {
        let actions = event(&machine)
        apply(actions)
        return actions
    }

    /// Moves the clock forward, firing every timer that falls due on the way, in deadline order.
    @discardableResult
    mutating func advance(by interval: Duration) -> [Machine.Action] {
        let target = now + interval
        var emitted: [Machine.Action] = []
        while let (timer, deadline) = nextDue(before: target) {
            now = deadline
            deadlines[timer] = nil
            let actions = machine.timerFired(timer)
            apply(actions)
            emitted += actions
        }
        now = target
        return emitted
    }

    /// The virtual times at which matching actions were emitted.
    func times(where matches: (Machine.Action) -> Bool) -> [Duration] {
        log.filter { matches($0.action) }.map(\.at)
    }

    private func nextDue(before target: Duration) -> (TransactionTimer, Duration)? {
        let due = deadlines.filter { $0.value <= target }
        let order = TransactionTimer.allCases
        return due.min { lhs, rhs in
            if lhs.value != rhs.value { return lhs.value < rhs.value }
            return (order.firstIndex(of: lhs.key) ?? 0) < (order.firstIndex(of: rhs.key) ?? 0)
        }.map { ($0.key, $0.value) }
    }

    private mutating func apply(_ actions: [Machine.Action]) {
        for action in actions {
            log.append(Entry(at: now, action: action))
            switch Machine.timerCommand(in: action) {
            case .start(let timer, let duration):
                deadlines[timer] = now + duration
            case .cancel(let timer):
                if deadlines.removeValue(forKey: timer) == nil {
                    strayCancels.append(timer)
                }
            case nil:
                break
            }
        }
    }
}

extension ClientInviteTransaction: TimerDrivenMachine {
    static func timerCommand(in action: Action) -> TimerCommand? {
        switch action {
        case .startTimer(let timer, let duration): .start(timer, duration)
        case .cancelTimer(let timer): .cancel(timer)
        case .transmitRequest, .sendACK, .deliverResponse, .timeout, .transportFailure, .terminated, .protocolViolation: nil
        }
    }
}

extension ClientNonInviteTransaction: TimerDrivenMachine {
    static func timerCommand(in action: Action) -> TimerCommand? {
        switch action {
        case .startTimer(let timer, let duration): .start(timer, duration)
        case .cancelTimer(let timer): .cancel(timer)
        case .transmitRequest, .deliverResponse, .timeout, .transportFailure, .terminated, .protocolViolation: nil
        }
    }
}

extension ServerInviteTransaction: TimerDrivenMachine {
    static func timerCommand(in action: Action) -> TimerCommand? {
        switch action {
        case .startTimer(let timer, let duration): .start(timer, duration)
        case .cancelTimer(let timer): .cancel(timer)
        case .deliverRequest, .send100Trying, .transmitResponse, .retransmitLastResponse, .deliverACK, .timeout,
            .transportFailure, .terminated, .protocolViolation:
            nil
        }
    }
}

extension ServerNonInviteTransaction: TimerDrivenMachine {
    static func timerCommand(in action: Action) -> TimerCommand? {
        switch action {
        case .startTimer(let timer, let duration): .start(timer, duration)
        case .cancelTimer(let timer): .cancel(timer)
        case .deliverRequest, .transmitResponse, .retransmitLastResponse, .transportFailure, .terminated,
            .protocolViolation:
            nil
        }
    }
}

extension UAS2xxRetransmission: TimerDrivenMachine {
    static func timerCommand(in action: Action) -> TimerCommand? {
        switch action {
        case .startTimer(let timer, let duration): .start(timer, duration)
        case .cancelTimer(let timer): .cancel(timer)
        case .retransmitResponse, .noACK, .protocolViolation: nil
        }
    }
}

/// Milliseconds as a Duration, to keep expected timelines readable.
func ms(_ value: Int) -> Duration { .milliseconds(value) }
