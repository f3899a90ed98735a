/// The message ids of the last `capacity` entries of a local stream, with their sequences: the dedupe window.
///
/// A publisher only repeats what it published after its last cursor write (at most a read-ahead window), so a
/// window of the last entries catches every repeat a restart can cause.
struct RecentMessageIDs {
    let capacity: Int
    private var sequences: [String: UInt64] = [:]
    private var order: [String] = []
    // Index in `order` of the oldest id once `order` is full (a ring).
    private var oldest = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func sequence(of messageID: String) -> UInt64? {
        sequences[messageID]
    }

    mutating func insert(_ messageID: String, sequence: UInt64) {
        if order.count < capacity {
            order.append(messageID)
        } else {
            sequences[order[oldest]] = nil
            order[oldest] = messageID
            oldest = (oldest + 1) % capacity
        }
        sequences[messageID] = sequence
    }
}
