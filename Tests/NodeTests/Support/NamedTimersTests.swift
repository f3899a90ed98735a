import NIOCore
import NIOEmbedded
@testable import Node
import Testing

/// `NamedTimers` keeps four timers inline and more in an overflow list; none of them may be lost or left running.
@Suite struct NamedTimersTests {
    final class Fixture {
        let loop = EmbeddedEventLoop()
        let queue: EventLoopTimerQueue
        var fired: [String] = []

        init() { queue = EventLoopTimerQueue(eventLoop: loop, tolerance: .zero) }
        deinit { try? loop.syncShutdownGracefully() }

        func handle(_ label: String, in milliseconds: Int64) -> EventLoopTimerQueue.Handle {
            queue.schedule(in: .milliseconds(milliseconds)) { [unowned self] in self.fired.append(label) }
        }
    }

    @Test func sixNamesAreAllKeptAndEachCancelStopsItsOwn() {
        let fixture = Fixture()
        var timers = NamedTimers<Int>()
        for name in 0..<6 { timers.set(name, fixture.handle("t\(name)", in: 10)) }
        #expect(timers.count == 6)
        timers.cancel(1)  // inline
        timers.cancel(5)  // overflow
        #expect(timers.count == 4)
        fixture.loop.advanceTime(by: .milliseconds(10))
        #expect(fixture.fired == ["t0", "t2", "t3", "t4"])
    }

    @Test func settingANameAgainCancelsTheTimerItReplaces() {
        let fixture = Fixture()
        var timers = NamedTimers<String>()
        for name in ["a", "b", "c", "d", "e"] { timers.set(name, fixture.handle("\(name)1", in: 10)) }
        timers.set("b", fixture.handle("b2", in: 20))
        timers.set("e", fixture.handle("e2", in: 20))
        #expect(timers.count == 5)
        fixture.loop.advanceTime(by: .milliseconds(20))
        #expect(fixture.fired == ["a1", "c1", "d1", "b2", "e2"])
    }

    @Test func firedForgetsWithoutCancellingAndCancelAllStopsEveryOne() {
        let fixture = Fixture()
        var timers = NamedTimers<Int>()
        let first = fixture.handle("t0", in: 10)
        timers.set(0, first)
        timers.fired(0)
        #expect(timers.count == 0)
        #expect(first.isPending)
        var handles: [EventLoopTimerQueue.Handle] = []
        for name in 1...6 {
            let handle = fixture.handle("t\(name)", in: 10)
            handles.append(handle)
            timers.set(name, handle)
        }
        timers.cancelAll()
        #expect(timers.count == 0)
        #expect(handles.allSatisfy { !$0.isPending })
        fixture.loop.advanceTime(by: .milliseconds(10))
        #expect(fixture.fired == ["t0"])
    }
}
