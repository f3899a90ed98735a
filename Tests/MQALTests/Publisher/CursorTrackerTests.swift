import Foundation
import Testing
@testable import MQAL

@Suite struct CursorTrackerTests {
    @Test func inOrderAcksMoveTheCursor() {
        var tracker = CursorTracker(committed: 0)
        let moved193 = tracker.acknowledge(1)
        #expect(moved193)
        let moved233 = tracker.acknowledge(2)
        #expect(moved233)
        #expect(tracker.committed == 2)
    }

    @Test func outOfOrderAcksWaitForTheGap() {
        var tracker = CursorTracker(committed: 10)
        let moved418 = tracker.acknowledge(13)
        #expect(!moved418)
        let moved460 = tracker.acknowledge(12)
        #expect(!moved460)
        #expect(tracker.committed == 10)
        #expect(tracker.acknowledgedAboveGap == 2)
        #expect(tracker.isAcknowledged(12))
        #expect(!tracker.isAcknowledged(11))
        // The gap closes: the cursor jumps over everything acknowledged above it.
        let moved766 = tracker.acknowledge(11)
        #expect(moved766)
        #expect(tracker.committed == 13)
        #expect(tracker.acknowledgedAboveGap == 0)
    }

    @Test func aFailedRecordInTheMiddleHoldsTheCursor() {
        var tracker = CursorTracker(committed: 0)
        for seq: UInt64 in [1, 2, 4, 5, 6] { tracker.acknowledge(seq) }
        #expect(tracker.committed == 2)
        // A retry of 3 later moves it to the end.
        tracker.acknowledge(3)
        #expect(tracker.committed == 6)
    }

    @Test func repeatsAndOldAcksAreIgnored() {
        var tracker = CursorTracker(committed: 5)
        let moved1352 = tracker.acknowledge(3)
        #expect(!moved1352)
        let moved1393 = tracker.acknowledge(5)
        #expect(!moved1393)
        let moved1434 = tracker.acknowledge(6)
        #expect(moved1434)
        let moved1474 = tracker.acknowledge(6)
        #expect(!moved1474)
        #expect(tracker.committed == 6)
        #expect(tracker.acknowledgedAboveGap == 0)
    }

    @Test func cursorFileRoundTripsAndRejectsGarbage() throws {
        let directory = MQALFixtures.temporaryDirectory()
        let file = CursorFile(dataDirectory: directory, backend: "local", destination: "cdr", kind: "cdr")
        #expect(try file.load() == 0)
        try file.store(42)
        #expect(try file.load() == 42)
        try file.store(43)
        #expect(try file.load() == 43)
        try "{\"seq\":".write(toFile: file.path, atomically: true, encoding: .utf8)
        #expect(throws: StreamError.self) { try file.load() }
        do {
            _ = try file.load()
        } catch {
            #expect(error.code == .cursorUnreadable)
        }
    }
}
