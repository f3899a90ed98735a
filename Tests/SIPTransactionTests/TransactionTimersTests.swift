import SIPTransaction
import Testing

@Suite struct TransactionTimersTests {
    @Test func rfc3261DefaultsDeriveTheTableFourValues() {
        let timers = TransactionTimers.rfc3261

        #expect(timers.t1 == .milliseconds(500))
        #expect(timers.t2 == .seconds(4))
        #expect(timers.t4 == .seconds(5))
        #expect(timers.timerB == .seconds(32))
        #expect(timers.timerD == .seconds(32))
        #expect(timers.timerF == .seconds(32))
        #expect(timers.timerH == .seconds(32))
        #expect(timers.timerI == .seconds(5))
        #expect(timers.timerJ == .seconds(32))
        #expect(timers.timerK == .seconds(5))
        #expect(timers.timerL == .seconds(32))
        #expect(timers.timerM == .seconds(32))
    }

    @Test func timerDNeverDropsBelow32Seconds() {
        let fast = TransactionTimers(t1: .milliseconds(100), t2: .seconds(1), t4: .seconds(2))

        #expect(fast.timerB == .milliseconds(6_400))
        #expect(fast.timerD == .seconds(32))
    }

    @Test func errorsCompareByCodeOnly() {
        let first = TransactionError(.invalidEvent, reason: "one")
        let second = TransactionError(.invalidEvent, reason: "two")

        #expect(first == second)
        #expect(first != TransactionError(.foreignTimer, reason: "one"))
        #expect(first.description.contains("invalidEvent"))
        #expect(first.file.hasSuffix("TransactionTimersTests.swift"))
    }
}
