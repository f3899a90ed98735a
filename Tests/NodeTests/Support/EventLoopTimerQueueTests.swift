import NIOCore
import NIOEmbedded
@testable import Node
import Testing

/// The node's timer heap on an `EmbeddedEventLoop`, whose clock moves only when the test advances it.
@Suite struct EventLoopTimerQueueTests {
    /// A queue on a fresh embedded loop, and what its callbacks did in order.
    final class Fixture {
        let loop = EmbeddedEventLoop()
        let queue: EventLoopTimerQueue
        var fired: [String] = []

        init(tolerance: TimeAmount = .zero) {
            queue = EventLoopTimerQueue(eventLoop: loop, tolerance: tolerance)
        }

        deinit {
            // The embedded loop must not be freed with tasks still scheduled.
            try? loop.syncShutdownGracefully()
        }

        @discardableResult
        func schedule(_ name: String, in milliseconds: Int64) -> EventLoopTimerQueue.Handle {
            queue.schedule(in: .milliseconds(milliseconds)) { [unowned self] in self.fired.append(name) }
        }

        func advance(_ milliseconds: Int64) {
            loop.advanceTime(by: .milliseconds(milliseconds))
        }
    }

    @Test func firesByDeadlineThenInsertionOrder() {
        let fixture = Fixture()
        fixture.schedule("a", in: 30)
        fixture.schedule("b", in: 10)
        fixture.schedule("c", in: 20)
        fixture.schedule("d", in: 10)
        fixture.schedule("e", in: 20)
        fixture.advance(30)
        #expect(fixture.fired == ["b", "d", "c", "e", "a"])
        #expect(fixture.queue.pendingCount == 0)
        #expect(fixture.queue.armedDeadline == nil)
    }

    @Test func neverFiresBeforeItsDeadline() {
        let fixture = Fixture()
        let handle = fixture.schedule("a", in: 100)
        fixture.advance(99)
        #expect(fixture.fired.isEmpty)
        #expect(handle.isPending)
        fixture.advance(1)
        #expect(fixture.fired == ["a"])
        #expect(!handle.isPending)
    }

    @Test func cancelledTimersNeverFire() {
        let fixture = Fixture()
        fixture.schedule("a", in: 10)
        let b = fixture.schedule("b", in: 10)
        fixture.schedule("c", in: 20)
        b.cancel()
        #expect(!b.isPending)
        b.cancel()  // twice is harmless
        fixture.advance(20)
        #expect(fixture.fired == ["a", "c"])
        #expect(fixture.queue.pendingCount == 0)
    }

    @Test func cancellingAfterFiringLeavesTheSlotsNewOwnerAlone() {
        let fixture = Fixture()
        let first = fixture.schedule("first", in: 10)
        fixture.advance(10)
        // The freed slot is reused; the old handle's generation no longer matches it.
        let second = fixture.schedule("second", in: 10)
        first.cancel()
        #expect(second.isPending)
        fixture.advance(10)
        #expect(fixture.fired == ["first", "second"])
    }

    @Test func cancellingTheEarliestTimerStillFiresTheNextOnTime() {
        let fixture = Fixture()
        let early = fixture.schedule("early", in: 10)
        fixture.schedule("late", in: 50)
        early.cancel()
        fixture.advance(10)
        #expect(fixture.fired.isEmpty)
        // The wake-up for the cancelled timer armed the next live one.
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(50_000_000))
        fixture.advance(39)
        #expect(fixture.fired.isEmpty)
        fixture.advance(1)
        #expect(fixture.fired == ["late"])
    }

    @Test func aCallbackCanCancelTimersDueInTheSamePass() {
        let fixture = Fixture()
        var victim: EventLoopTimerQueue.Handle?
        var own: EventLoopTimerQueue.Handle?
        own = fixture.queue.schedule(in: .milliseconds(10)) { [unowned fixture] in
            fixture.fired.append("killer")
            victim?.cancel()
            own?.cancel()  // its own handle, already fired: nothing happens
        }
        victim = fixture.schedule("victim", in: 10)
        fixture.schedule("bystander", in: 10)
        fixture.advance(10)
        #expect(fixture.fired == ["killer", "bystander"])
        #expect(fixture.queue.pendingCount == 0)
    }

    @Test func timersScheduledFromACallbackRunInALaterPass() {
        let fixture = Fixture()
        fixture.queue.schedule(in: .milliseconds(10)) { [unowned fixture] in
            fixture.fired.append("outer")
            fixture.schedule("immediate", in: 0)
            fixture.schedule("later", in: 15)
        }
        fixture.schedule("sibling", in: 10)
        fixture.advance(10)
        // The zero-delay timer waits for the next pass, which the loop runs at once (its deadline has passed).
        #expect(fixture.fired == ["outer", "sibling", "immediate"])
        fixture.advance(14)
        #expect(fixture.fired == ["outer", "sibling", "immediate"])
        fixture.advance(1)
        #expect(fixture.fired == ["outer", "sibling", "immediate", "later"])
    }

    @Test func aCallbackReschedulingItselfWithoutDelayDoesNotStarveTheLoop() {
        let fixture = Fixture()
        var runs = 0
        func again() {
            runs += 1
            if runs < 5 { fixture.queue.schedule(in: .zero, again) }
        }
        fixture.queue.schedule(in: .milliseconds(1), again)
        fixture.advance(1)
        #expect(runs == 5)
    }

    @Test func oneNIOTaskIsArmedForTheEarliestDeadline() {
        let fixture = Fixture(tolerance: .milliseconds(1))
        #expect(fixture.queue.armedDeadline == nil)
        fixture.schedule("a", in: 100)
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(100_000_000))
        // Later timers leave the armed task alone.
        fixture.schedule("b", in: 200)
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(100_000_000))
        // Within the tolerance before it: coalesced, no re-arm; it fires late by at most the tolerance.
        fixture.queue.schedule(in: .microseconds(99_500)) { [unowned fixture] in fixture.fired.append("c") }
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(100_000_000))
        // Earlier than that: re-armed.
        fixture.schedule("d", in: 50)
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(50_000_000))
        fixture.advance(50)
        #expect(fixture.fired == ["d"])
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(99_500_000))
        fixture.advance(50)
        // c's pass (at 99.5 ms) found a not due yet; the next pass waits the tolerance, so a fires 0.5 ms late.
        #expect(fixture.fired == ["d", "c"])
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(100_500_000))
        fixture.advance(1)
        #expect(fixture.fired == ["d", "c", "a"])
        fixture.advance(100)
        #expect(fixture.fired == ["d", "c", "a", "b"])
    }

    @Test func aPassArmsTheNextNoSoonerThanTheTolerance() {
        let fixture = Fixture(tolerance: .milliseconds(1))
        for (name, microseconds) in [("a", 10_000), ("b", 10_200), ("c", 10_400), ("d", 10_900), ("e", 11_500)] {
            fixture.queue.schedule(in: .microseconds(Int64(microseconds))) { [unowned fixture] in fixture.fired.append(name) }
        }
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(10_000_000))
        fixture.advance(10)
        #expect(fixture.fired == ["a"])
        // b is due 0.2 ms later, but the next pass waits the tolerance and takes b, c and d at once.
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(11_000_000))
        fixture.advance(1)
        #expect(fixture.fired == ["a", "b", "c", "d"])
        #expect(fixture.queue.armedDeadline == .uptimeNanoseconds(12_000_000))
        fixture.advance(1)
        #expect(fixture.fired == ["a", "b", "c", "d", "e"])
        #expect(fixture.queue.armedDeadline == nil)
    }

    @Test func manyTimersFireInOrderAndCancelledOnesNever() {
        let fixture = Fixture()
        var expected: [(deadline: Int64, sequence: Int)] = []
        var handles: [EventLoopTimerQueue.Handle] = []
        var firedSequences: [Int] = []
        for sequence in 0..<5_000 {
            // Deterministic and scattered: 7_919 is prime, so the delays cover 0..<2_000 in a shuffled order, with ties.
            let delay = Int64(sequence * 7_919 % 2_000)
            handles.append(fixture.queue.schedule(in: .milliseconds(delay)) { firedSequences.append(sequence) })
            expected.append((delay, sequence))
        }
        var cancelled = Set<Int>()
        for index in 0..<2_000 {
            let victim = index * 104_729 % 5_000
            handles[victim].cancel()
            cancelled.insert(victim)
        }
        #expect(fixture.queue.pendingCount == 5_000 - cancelled.count)
        fixture.advance(2_000)
        let order = expected.filter { !cancelled.contains($0.sequence) }
            .sorted { $0.deadline != $1.deadline ? $0.deadline < $1.deadline : $0.sequence < $1.sequence }
            .map(\.sequence)
        #expect(firedSequences == order)
        #expect(fixture.queue.pendingCount == 0)
        #expect(fixture.queue.heapCount == 0)
    }

    @Test func aHeapMostlyOfCancelledTimersIsCompacted() {
        let fixture = Fixture()
        var handles: [EventLoopTimerQueue.Handle] = []
        for index in 0..<1_000 {
            handles.append(fixture.schedule("t\(index)", in: Int64(1_000 + index)))
        }
        #expect(fixture.queue.heapCount == 1_000)
        // Cancel from the far end: none of them reaches the top, so only compaction can drop them.
        for handle in handles[400...].reversed() { handle.cancel() }
        #expect(fixture.queue.pendingCount == 400)
        #expect(fixture.queue.heapCount < 1_000)
        #expect(fixture.queue.heapCount <= 2 * 400)
        fixture.advance(2_000)
        #expect(fixture.fired == (0..<400).map { "t\($0)" })
    }

    @Test func closingDropsPendingTimersAndRefusesNewOnes() {
        let fixture = Fixture()
        let handle = fixture.schedule("a", in: 10)
        fixture.schedule("b", in: 20)
        fixture.queue.close()
        #expect(!handle.isPending)
        #expect(fixture.queue.pendingCount == 0)
        #expect(fixture.queue.armedDeadline == nil)
        let late = fixture.schedule("after close", in: 5)
        #expect(!late.isPending)
        late.cancel()
        fixture.advance(100)
        #expect(fixture.fired.isEmpty)
    }

    @Test func closingFromACallbackStopsThePass() {
        let fixture = Fixture()
        fixture.queue.schedule(in: .milliseconds(10)) { [unowned fixture] in
            fixture.fired.append("closer")
            fixture.queue.close()
        }
        fixture.schedule("same pass", in: 10)
        fixture.schedule("later", in: 20)
        fixture.advance(100)
        #expect(fixture.fired == ["closer"])
    }
}
