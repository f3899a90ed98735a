/// A counting semaphore as a value: the bound on requests in flight. Waiters queue in FIFO order.
///
/// Generic over the waiter so the logic is tested without continuations.
struct NATSPermits<Waiter: Sendable>: Sendable {
    enum Acquire {
        case granted
        case queued
        case closed
    }

    private(set) var available: Int
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    private var closed = false

    init(limit: Int) {
        self.available = max(1, limit)
    }

    var waitingCount: Int { self.waiters.count }

    /// Takes a permit, or queues `waiter` until one is released.
    mutating func acquire(id: UInt64, _ waiter: Waiter) -> Acquire {
        if self.closed { return .closed }
        if self.available > 0 {
            self.available -= 1
            return .granted
        }
        self.waiters.append((id, waiter))
        return .queued
    }

    /// Returns a permit; the oldest waiter gets it directly (resume it with success).
    mutating func release() -> Waiter? {
        if !self.waiters.isEmpty { return self.waiters.removeFirst().waiter }
        self.available += 1
        return nil
    }

    /// Removes a queued waiter (its task was cancelled); resume it with an error.
    mutating func cancel(id: UInt64) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Closes the semaphore: every waiter is returned to be failed, later acquires fail.
    mutating func failAll() -> [Waiter] {
        self.closed = true
        defer { self.waiters = [] }
        return self.waiters.map(\.waiter)
    }
}
