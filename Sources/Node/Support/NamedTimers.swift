/// The timers one transaction or session keeps by name (Timer A, B, G ...). At most two or three are pending at once,
/// so a short list searched linearly is cheaper than a dictionary (no hashing, no table to grow).
struct NamedTimers<Name: Equatable> {
    private var entries: [(name: Name, handle: EventLoopTimerQueue.Handle)] = []

    /// Keeps `handle` under `name`, cancelling the timer it replaces (a machine restarting a timer means a new one).
    mutating func set(_ name: Name, _ handle: EventLoopTimerQueue.Handle) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].handle.cancel()
            entries[index].handle = handle
        } else {
            entries.append((name, handle))
        }
    }

    /// Cancels the timer under `name`, if one is kept.
    mutating func cancel(_ name: Name) {
        guard let index = entries.firstIndex(where: { $0.name == name }) else { return }
        entries[index].handle.cancel()
        entries.remove(at: index)
    }

    /// Forgets the timer under `name` without cancelling it (it is firing now).
    mutating func fired(_ name: Name) {
        guard let index = entries.firstIndex(where: { $0.name == name }) else { return }
        entries.remove(at: index)
    }

    /// Cancels every kept timer.
    mutating func cancelAll() {
        for entry in entries { entry.handle.cancel() }
        entries.removeAll()
    }
}
