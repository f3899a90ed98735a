/// The timers one transaction or session keeps by name (Timer A, B, G ...).
///
/// At most two or three are pending at once, so they are kept in four inline places searched linearly: no hashing,
/// and no array storage to allocate for every transaction (thousands a second). A fifth one at once, which no machine
/// needs today, goes to an overflow array rather than being lost.
struct NamedTimers<Name: Equatable> {
    private typealias Entry = (name: Name, handle: EventLoopTimerQueue.Handle)

    private var entry0: Entry?
    private var entry1: Entry?
    private var entry2: Entry?
    private var entry3: Entry?
    private var overflow: [Entry] = []

    private static var inlineCount: Int { 4 }

    private subscript(inline index: Int) -> Entry? {
        get {
            switch index {
            case 0: entry0
            case 1: entry1
            case 2: entry2
            default: entry3
            }
        }
        set {
            switch index {
            case 0: entry0 = newValue
            case 1: entry1 = newValue
            case 2: entry2 = newValue
            default: entry3 = newValue
            }
        }
    }

    /// Removes the timer kept under `name` and returns its handle.
    private mutating func take(_ name: Name) -> EventLoopTimerQueue.Handle? {
        for index in 0..<Self.inlineCount {
            if let entry = self[inline: index], entry.name == name {
                self[inline: index] = nil
                return entry.handle
            }
        }
        if let index = overflow.firstIndex(where: { $0.name == name }) {
            return overflow.remove(at: index).handle
        }
        return nil
    }

    /// Keeps `handle` under `name`, cancelling the timer it replaces (a machine restarting a timer means a new one).
    mutating func set(_ name: Name, _ handle: EventLoopTimerQueue.Handle) {
        take(name)?.cancel()
        for index in 0..<Self.inlineCount where self[inline: index] == nil {
            self[inline: index] = (name, handle)
            return
        }
        overflow.append((name, handle))
    }

    /// Cancels the timer under `name`, if one is kept.
    mutating func cancel(_ name: Name) {
        take(name)?.cancel()
    }

    /// Forgets the timer under `name` without cancelling it (it is firing now).
    mutating func fired(_ name: Name) {
        _ = take(name)
    }

    /// Cancels every kept timer.
    mutating func cancelAll() {
        for index in 0..<Self.inlineCount {
            self[inline: index]?.handle.cancel()
            self[inline: index] = nil
        }
        for entry in overflow { entry.handle.cancel() }
        overflow.removeAll()
    }

    /// How many timers are kept (tests).
    var count: Int {
        (0..<Self.inlineCount).reduce(overflow.count) { kept, index in kept + (self[inline: index] == nil ? 0 : 1) }
    }
}
