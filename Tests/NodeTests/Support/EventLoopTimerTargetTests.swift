import NIOCore
import NIOEmbedded
@testable import Node
import Testing

/// Timers scheduled for a target and a tag instead of a closure: same order and cancellation as closures, and the
/// target is held weakly.
@Suite struct EventLoopTimerTargetTests {
    final class Recorder: EventLoopTimerTarget {
        var fired: [UInt32] = []
        func timerFired(tag: UInt32) { fired.append(tag) }
    }

    @Test func firesTagsByDeadlineAndSkipsCancelledOnes() throws {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let queue = EventLoopTimerQueue(eventLoop: loop, tolerance: .zero)
        let recorder = Recorder()
        queue.schedule(after: .milliseconds(30), target: recorder, tag: 3)
        queue.schedule(after: .milliseconds(10), target: recorder, tag: 1)
        let cancelled = queue.schedule(after: .milliseconds(20), target: recorder, tag: 2)
        queue.schedule(after: .milliseconds(20), target: recorder, tag: 7)
        cancelled.cancel()
        #expect(!cancelled.isPending)
        loop.advanceTime(by: .milliseconds(29))
        #expect(recorder.fired == [1, 7])
        loop.advanceTime(by: .milliseconds(1))
        #expect(recorder.fired == [1, 7, 3])
        #expect(queue.pendingCount == 0)
    }

    @Test func aTargetThatIsGoneIsNotKeptAliveNorCalled() throws {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let queue = EventLoopTimerQueue(eventLoop: loop, tolerance: .zero)
        weak var released: Recorder?
        do {
            let recorder = Recorder()
            released = recorder
            queue.schedule(after: .milliseconds(10), target: recorder, tag: 1)
        }
        // The queue's weak hold did not keep it; firing for it is a no-op, and the slot is freed for reuse.
        #expect(released == nil)
        loop.advanceTime(by: .milliseconds(10))
        #expect(queue.pendingCount == 0)
        let survivor = Recorder()
        let handle = queue.schedule(after: .milliseconds(10), target: survivor, tag: 9)
        #expect(handle.isPending)
        loop.advanceTime(by: .milliseconds(10))
        #expect(survivor.fired == [9])
    }

    @Test func closedQueueDropsTargetTimers() throws {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let queue = EventLoopTimerQueue(eventLoop: loop, tolerance: .zero)
        let recorder = Recorder()
        let handle = queue.schedule(after: .milliseconds(10), target: recorder, tag: 1)
        queue.close()
        #expect(!handle.isPending)
        loop.advanceTime(by: .milliseconds(20))
        #expect(recorder.fired.isEmpty)
    }
}
