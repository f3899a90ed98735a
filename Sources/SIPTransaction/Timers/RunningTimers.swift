/// The timers a machine has asked its driver to run and not yet cancelled or seen fire.
struct RunningTimers: Sendable, Hashable {
    private var running: Set<TransactionTimer> = []

    /// Records a started timer.
    mutating func insert(_ timer: TransactionTimer) {
        running.insert(timer)
    }

    /// Forgets a timer; returns whether it was running.
    @discardableResult
    mutating func remove(_ timer: TransactionTimer) -> Bool {
        running.remove(timer) != nil
    }

    /// Whether the timer is running.
    func contains(_ timer: TransactionTimer) -> Bool {
        running.contains(timer)
    }

    /// Forgets every timer and returns them in a stable order so action lists are deterministic.
    mutating func removeAll() -> [TransactionTimer] {
        let all = TransactionTimer.allCases.filter { running.contains($0) }
        running.removeAll()
        return all
    }
}
