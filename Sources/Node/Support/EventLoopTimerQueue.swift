import NIOCore

/// The node's timers on one event loop: a binary min-heap of (deadline, insertion sequence, slot) behind at most one
/// NIO scheduled task, armed for the earliest deadline.
///
/// Why not one `scheduleTask` per timer: every SIP transaction and session keeps several timers and cancels most of
/// them before they fire. NIO's scheduled-task heap costs a promise and a heap entry per task, and `Scheduled.cancel`
/// finds the task by linear search, so at a few hundred calls/s those timers were ~8 % of the node's CPU. Here a timer
/// costs a heap entry and a slot, and cancelling it is O(1): the slot's generation moves on, and the stale heap entry
/// is skipped when it reaches the top (or dropped when the heap is compacted, once more than half of it is dead).
///
/// Timing: a timer never fires before its deadline. It may fire up to `tolerance` late: a new timer whose deadline
/// falls at most `tolerance` before the armed NIO task does not re-arm it (re-arming is a cancel plus a schedule in
/// NIO's heap), it waits for the armed task instead; and a firing pass arms the next one no sooner than `tolerance`
/// later, so that timers due close together fire in one pass. SIP timers (500 ms and up) do not notice a millisecond.
///
/// Order: timers fire by deadline, then in the order they were scheduled. Callbacks run on the loop and may schedule
/// and cancel timers, including themselves; a timer scheduled from a callback never runs in the same pass (so a
/// callback that reschedules itself with no delay cannot starve the loop), it gets the next one.
///
/// Confined to `eventLoop`: every method must be called on it (checked in debug builds).
final class EventLoopTimerQueue {
    /// One scheduled timer; `cancel()` is O(1) and harmless after the timer fired, was cancelled or the queue closed.
    struct Handle {
        // Strong: the queue's callbacks capture their owners weakly in the node, so handle → queue makes no cycle,
        // and a handle outliving its owner stays safe to cancel.
        private let queue: EventLoopTimerQueue
        fileprivate let slot: UInt32
        fileprivate let generation: UInt32

        fileprivate init(queue: EventLoopTimerQueue, slot: UInt32, generation: UInt32) {
            self.queue = queue
            self.slot = slot
            self.generation = generation
        }

        func cancel() {
            queue.cancel(slot: slot, generation: generation)
        }

        /// Still waiting to fire (not fired, cancelled, or dropped by `close()`).
        var isPending: Bool {
            queue.isPending(slot: slot, generation: generation)
        }
    }

    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var slot: UInt32
        var generation: UInt32

        @inline(__always)
        func firesBefore(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
        }
    }

    /// What a pending timer runs: a closure, or a tag handed to a weakly held target. The target form costs no
    /// closure context (an allocation per timer, and transactions start several a message).
    private struct Slot {
        var generation: UInt32 = 0
        var occupied = false
        var callback: (() -> Void)?
        weak var target: (any EventLoopTimerTarget)?
        var tag: UInt32 = 0

        /// Empties the slot: its generation moves on, so its handle and its heap entry no longer match it.
        mutating func vacate() {
            generation &+= 1
            occupied = false
            callback = nil
            target = nil
        }
    }

    /// A slot number no slot has: the handle `schedule` returns after `close()`.
    private static let noSlot = UInt32.max

    let eventLoop: any EventLoop
    let tolerance: TimeAmount
    // The heap and the slots are structs the queue changes with one mutating call per operation: every access to a
    // class's stored array is checked for exclusivity at run time (the heap's sift loops made about 130 such checks
    // a call), the accesses inside a struct's mutating method are checked when compiling.
    private var heap = TimerHeap()
    private var slots = SlotTable()
    /// Timers scheduled and neither fired nor cancelled; `heapCount - pendingCount` entries are dead.
    var pendingCount: Int { slots.pendingCount }
    private var nextSequence: UInt64 = 0
    private var armed: (deadline: UInt64, task: Scheduled<Void>)?
    private var firing = false
    private(set) var isClosed = false

    /// Below this size a heap full of dead entries is left alone: compaction would cost more than the pops.
    private static let compactionFloor = 64

    init(eventLoop: any EventLoop, tolerance: TimeAmount = .milliseconds(1)) {
        self.eventLoop = eventLoop
        self.tolerance = tolerance
    }

    // MARK: - Scheduling

    /// Runs `callback` on the loop `duration` from now.
    @discardableResult
    func schedule(after duration: Duration, _ callback: @escaping () -> Void) -> Handle {
        schedule(in: TimeAmount(duration: duration), callback)
    }

    /// Runs `callback` on the loop `delay` from now (the loop's clock: `EventLoop.now`, which embedded loops move).
    @discardableResult
    func schedule(in delay: TimeAmount, _ callback: @escaping () -> Void) -> Handle {
        schedule(at: eventLoop.now + delay, callback)
    }

    /// Runs `callback` on the loop at `deadline`.
    @discardableResult
    func schedule(at deadline: NIODeadline, _ callback: @escaping () -> Void) -> Handle {
        schedule(at: deadline) { slot in slot.callback = callback }
    }

    /// Calls `target.timerFired(tag:)` on the loop `duration` from now, unless the target is gone by then. The queue
    /// holds the target weakly, as the closures it is given capture their owners.
    @discardableResult
    func schedule(after duration: Duration, target: any EventLoopTimerTarget, tag: UInt32) -> Handle {
        schedule(at: eventLoop.now + TimeAmount(duration: duration)) { slot in
            slot.target = target
            slot.tag = tag
        }
    }

    private func schedule(at deadline: NIODeadline, filling fill: (inout Slot) -> Void) -> Handle {
        eventLoop.assertInEventLoop()
        guard !isClosed else {
            return Handle(queue: self, slot: Self.noSlot, generation: 0)
        }
        let (slot, generation) = slots.claim(fill)
        let entry = Entry(deadline: deadline.uptimeNanoseconds, sequence: nextSequence, slot: slot, generation: generation)
        nextSequence &+= 1
        heap.push(entry)
        // A firing pass arms once at its end, after its callbacks scheduled what they wanted.
        if !firing {
            armIfEarlier(entry.deadline)
        }
        return Handle(queue: self, slot: slot, generation: generation)
    }

    private func cancel(slot: UInt32, generation: UInt32) {
        eventLoop.assertInEventLoop()
        guard slots.isPending(slot: slot, generation: generation) else { return }
        slots.release(slot)
        // The heap entry stays (finding it would be a linear search); it is skipped at the top, or compacted away.
        if heap.count > Self.compactionFloor && heap.count - slots.pendingCount > heap.count / 2 {
            let table = slots
            heap.compact { table.isLive($0) }
        }
    }

    private func isPending(slot: UInt32, generation: UInt32) -> Bool {
        slots.isPending(slot: slot, generation: generation)
    }

    // MARK: - Shutdown

    /// Drops every pending timer without running it and disarms the NIO task; later `schedule` calls do nothing.
    func close() {
        eventLoop.assertInEventLoop()
        guard !isClosed else { return }
        isClosed = true
        armed?.task.cancel()
        armed = nil
        heap.removeAll()
        slots.vacateAll()
    }

    // MARK: - Firing

    /// Arms (or re-arms) the one NIO task when `deadline` is more than `tolerance` before the armed one.
    private func armIfEarlier(_ deadline: UInt64) {
        if let armed {
            let slack = UInt64(max(0, tolerance.nanoseconds))
            // Armed at or before the new deadline, or late by at most the tolerance: the armed task covers it.
            if armed.deadline <= deadline || armed.deadline - deadline <= slack { return }
            armed.task.cancel()
            self.armed = nil
        }
        let task = eventLoop.assumeIsolated().scheduleTask(deadline: NIODeadline.uptimeNanoseconds(deadline)) { [weak self] () -> Void in
            self?.fire()
        }
        armed = (deadline, task)
    }

    /// The armed task ran: fires every due timer scheduled before this pass, in order, then arms for the next one.
    private func fire() {
        armed = nil
        guard !isClosed else { return }
        let now = eventLoop.now.uptimeNanoseconds
        let boundary = nextSequence
        firing = true
        while !isClosed, let top = heap.first, top.deadline <= now, top.sequence < boundary {
            heap.popTop()
            guard let (callback, target, tag) = slots.take(top) else { continue }
            if let callback {
                callback()
            } else {
                target?.timerFired(tag: tag)
            }
        }
        firing = false
        guard !isClosed else { return }
        // Cancelled timers at the top would only cause a wake-up for nothing.
        while let top = heap.first, !slots.isLive(top) { heap.popTop() }
        // The next pass comes no sooner than `tolerance` from now: at thousands of calls a second the lingering
        // transactions' timers are due every few microseconds, and a pass (a NIO task scheduled) per distinct
        // deadline was about 2 % of the loop. Batched this way a timer is still at most `tolerance` late.
        if let top = heap.first {
            let slack = UInt64(max(0, tolerance.nanoseconds))
            armIfEarlier(max(top.deadline, now &+ slack))
        }
    }

    // MARK: - Heap and slots

    /// The binary min-heap of entries, earliest first.
    private struct TimerHeap {
        private var entries: [Entry] = []

        var count: Int { entries.count }
        var first: Entry? { entries.first }

        mutating func push(_ entry: Entry) {
            entries.append(entry)
            siftUp(entries.count - 1)
        }

        mutating func popTop() {
            let last = entries.removeLast()
            if !entries.isEmpty {
                entries[0] = last
                siftDown(0)
            }
        }

        mutating func removeAll() {
            entries.removeAll()
        }

        /// Drops the entries `isLive` refuses and rebuilds the heap bottom-up, O(n).
        mutating func compact(keeping isLive: (Entry) -> Bool) {
            entries.removeAll { !isLive($0) }
            var index = entries.count / 2
            while index > 0 {
                index -= 1
                siftDown(index)
            }
        }

        private mutating func siftUp(_ start: Int) {
            var child = start
            let entry = entries[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard entry.firesBefore(entries[parent]) else { break }
                entries[child] = entries[parent]
                child = parent
            }
            entries[child] = entry
        }

        private mutating func siftDown(_ start: Int) {
            var parent = start
            let entry = entries[parent]
            let count = entries.count
            while true {
                var child = 2 * parent + 1
                guard child < count else { break }
                if child + 1 < count && entries[child + 1].firesBefore(entries[child]) { child += 1 }
                guard entries[child].firesBefore(entry) else { break }
                entries[parent] = entries[child]
                parent = child
            }
            entries[parent] = entry
        }
    }

    /// The slots of pending timers and the free list that reuses them.
    private struct SlotTable {
        private var slots: [Slot] = []
        private var free: [UInt32] = []
        /// Slots occupied by a pending timer.
        private(set) var pendingCount = 0

        /// Occupies a free slot (or a new one) filled by `fill`; returns it and its generation.
        mutating func claim(_ fill: (inout Slot) -> Void) -> (slot: UInt32, generation: UInt32) {
            let slot: UInt32
            if let reused = free.popLast() {
                slot = reused
            } else {
                slot = UInt32(slots.count)
                slots.append(Slot())
            }
            slots[Int(slot)].occupied = true
            fill(&slots[Int(slot)])
            pendingCount += 1
            return (slot, slots[Int(slot)].generation)
        }

        func isPending(slot: UInt32, generation: UInt32) -> Bool {
            Int(slot) < slots.count && slots[Int(slot)].generation == generation && slots[Int(slot)].occupied
        }

        func isLive(_ entry: Entry) -> Bool {
            slots[Int(entry.slot)].generation == entry.generation && slots[Int(entry.slot)].occupied
        }

        /// Frees `slot` for reuse (see `Slot.vacate`).
        mutating func release(_ slot: UInt32) {
            slots[Int(slot)].vacate()
            free.append(slot)
            pendingCount -= 1
        }

        /// What a due entry runs, its slot freed; nil when the entry is dead.
        mutating func take(_ entry: Entry) -> (callback: (() -> Void)?, target: (any EventLoopTimerTarget)?, tag: UInt32)? {
            guard isLive(entry) else { return nil }
            let slot = slots[Int(entry.slot)]
            release(entry.slot)
            return (slot.callback, slot.target, slot.tag)
        }

        /// Empties every slot (the queue closes).
        mutating func vacateAll() {
            for index in slots.indices where slots[index].occupied {
                slots[index].vacate()
            }
            free.removeAll()
            pendingCount = 0
        }
    }

    // MARK: - Introspection (tests)

    /// Heap entries, dead ones included.
    var heapCount: Int { heap.count }

    /// When the one NIO task is armed for, if it is.
    var armedDeadline: NIODeadline? { armed.map { NIODeadline.uptimeNanoseconds($0.deadline) } }
}

/// An owner of timers that tell it apart by a tag (e.g. which RFC 3261 timer) instead of by closure.
protocol EventLoopTimerTarget: AnyObject {
    /// The timer scheduled with `tag` is due; runs on the queue's loop.
    func timerFired(tag: UInt32)
}
