/// The timers a transaction machine has started and not yet seen fire or cancelled.
///
/// A bit per `TransactionTimer`, not a `Set`: the machines are values the node copies out of and back into its
/// drivers on every event, and a set's storage made each of those a heap allocation (and a copy-on-write copy on the
/// first change), several per message at thousands of calls a second.
struct RunningTimers: Sendable, Hashable {
    private var bits: UInt16 = 0

    private static func bit(_ timer: TransactionTimer) -> UInt16 {
        1 << UInt16(timer.ordinal)
    }

    /// Records a started timer.
    mutating func insert(_ timer: TransactionTimer) {
        bits |= Self.bit(timer)
    }

    /// Forgets a timer; returns whether it was running.
    @discardableResult
    mutating func remove(_ timer: TransactionTimer) -> Bool {
        let bit = Self.bit(timer)
        defer { bits &= ~bit }
        return bits & bit != 0
    }

    /// Whether the timer is running.
    func contains(_ timer: TransactionTimer) -> Bool {
        bits & Self.bit(timer) != 0
    }

    /// Stops `first` and `second` where running, appending a cancel action for each, in that order.
    mutating func cancel<Action: TimerCancelling>(
        _ first: TransactionTimer, _ second: TransactionTimer? = nil, into actions: inout [Action]
    ) {
        if remove(first) { actions.append(.cancelTimer(first)) }
        if let second, remove(second) { actions.append(.cancelTimer(second)) }
    }

    /// Stops every running timer, appending their cancel actions in declaration order so action lists are
    /// deterministic.
    mutating func cancelAll<Action: TimerCancelling>(into actions: inout [Action]) {
        guard bits != 0 else { return }
        for ordinal in 0..<UInt16.bitWidth where bits & (1 << ordinal) != 0 {
            guard let timer = TransactionTimer(ordinal: ordinal) else { continue }
            bits &= ~(1 << ordinal)
            actions.append(.cancelTimer(timer))
        }
    }
}

/// A machine's action vocabulary, as far as `RunningTimers` writes into it; each machine's `Action.cancelTimer` case
/// is the witness.
protocol TimerCancelling {
    static func cancelTimer(_ timer: TransactionTimer) -> Self
}
