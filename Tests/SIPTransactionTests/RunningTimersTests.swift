@testable import SIPTransaction
import Testing

/// The machines' running-timer bits: every timer has its own bit, and cancel lists come out in declaration order.
@Suite struct RunningTimersTests {
    enum Recorded: Equatable, TimerCancelling {
        case cancelTimer(TransactionTimer)
    }

    @Test func ordinalsAreDeclarationOrderAndRoundTrip() {
        #expect(TransactionTimer.allCases.map(\.ordinal) == Array(TransactionTimer.allCases.indices))
        for timer in TransactionTimer.allCases {
            #expect(TransactionTimer(ordinal: timer.ordinal) == timer)
        }
        #expect(TransactionTimer(ordinal: -1) == nil)
        #expect(TransactionTimer(ordinal: TransactionTimer.allCases.count) == nil)
    }

    @Test func everyTimerHasItsOwnBit() {
        for timer in TransactionTimer.allCases {
            var running = RunningTimers()
            running.insert(timer)
            for other in TransactionTimer.allCases {
                #expect(running.contains(other) == (other == timer), "\(timer) vs \(other)")
            }
            let removedOnce = running.remove(timer)
            let removedTwice = running.remove(timer)
            #expect(removedOnce)
            #expect(!removedTwice)
            #expect(!running.contains(timer))
        }
    }

    @Test func cancelAllListsRunningTimersInDeclarationOrderOnce() {
        var running = RunningTimers()
        for timer in TransactionTimer.allCases.reversed() where timer != .d { running.insert(timer) }
        var actions: [Recorded] = []
        running.cancelAll(into: &actions)
        #expect(actions == TransactionTimer.allCases.filter { $0 != .d }.map(Recorded.cancelTimer))
        actions.removeAll()
        running.cancelAll(into: &actions)
        #expect(actions.isEmpty)
    }

    @Test func cancelNamesOnlyTheRunningOnesInTheOrderAsked() {
        var running = RunningTimers()
        running.insert(.h)
        running.insert(.g)
        var actions: [Recorded] = []
        running.cancel(.h, .g, into: &actions)
        running.cancel(.a, .b, into: &actions)
        #expect(actions == [.cancelTimer(.h), .cancelTimer(.g)])
        #expect(!running.contains(.g) && !running.contains(.h))
    }
}
