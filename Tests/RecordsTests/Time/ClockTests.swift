import Glibc
import Records
import Testing

@Suite struct ClockTests {
    @Test func systemClockReadsRealTimeInMicroseconds() {
        let before = Int64(time(nil)) * 1_000_000
        let now = SystemMicrosecondClock().nowMicroseconds()
        let after = (Int64(time(nil)) + 1) * 1_000_000
        #expect(now >= before)
        #expect(now <= after)
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualMicrosecondClock(1_000)
        #expect(clock.nowMicroseconds() == 1_000)
        #expect(clock.advance(by: 250) == 1_250)
        clock.set(5)
        #expect(clock.nowMicroseconds() == 5)
    }

    @Test(arguments: [
        (Int64(0), "19700101T000000"),
        (Int64(951_782_400_000_000), "20000229T000000"),
        (Int64(1_709_294_400_123_456), "20240301T120000"),
        (Int64(1_735_689_599_999_999), "20241231T235959"),
        (Int64(-1), "19691231T235959"),
    ])
    func compactUTCTimestamp(microseconds: Int64, expected: String) {
        #expect(UTCTimestamp.compact(microseconds: microseconds) == expected)
    }
}
