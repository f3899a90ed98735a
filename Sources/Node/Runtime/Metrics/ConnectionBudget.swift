import Synchronization

/// Open connections of the metrics endpoint, bounded: a scraper needs one or two, and each costs a file descriptor
/// and buffers the node would rather keep for SIP.
final class ConnectionBudget: Sendable {
    private let limit: Int
    private let open = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot; false when all are taken (the connection is then refused).
    func acquire() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() {
        open.withLock { $0 -= 1 }
    }
}
