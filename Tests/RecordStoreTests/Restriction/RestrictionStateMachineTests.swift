@testable import RecordStore
import Records
import Testing

@Suite struct RestrictionStateMachineTests {
    static let failure = RecordSinkError(.writeFailed, reason: "write to cdr failed: No space left on device (errno 28)")
    static let syncFailure = RecordSinkError(.syncFailed, reason: "fsync of cdr failed: Input/output error (errno 5)")

    @Test func twoFailuresDoNothingTheThirdEntersRestriction() {
        var machine = RestrictionStateMachine(failures: 3, probeSuccesses: 3)
        #expect(machine.handle(.writeFailed(Self.failure, at: 10)) == [])
        #expect(machine.state == .normal(consecutiveFailures: 1))
        #expect(machine.handle(.writeFailed(Self.syncFailure, at: 20)) == [])
        #expect(machine.state == .normal(consecutiveFailures: 2))
        let actions = machine.handle(.writeFailed(Self.failure, at: 30))
        #expect(machine.state == .restricted(since: 30, probeSuccesses: 0))
        #expect(machine.isRestricted)
        #expect(actions.count == 3)
        #expect(actions.first == .notifyNode(restricted: true))
        guard actions.count == 3, case .logCritical(let line) = actions[1], case .queueAudit(let audit) = actions[2] else {
            Issue.record("unexpected actions \(actions)")
            return
        }
        #expect(line.hasPrefix("CDR restriction started: 3 consecutive failed writes"))
        #expect(audit["event"] == .string("restriction_started"))
        #expect(audit["time_us"] == .integer(30))
        #expect(audit["failures"] == .integer(3))
        #expect(audit["error_code"] == .string("writeFailed"))
        #expect(audit["reason"] == .string("3 consecutive failed writes; last: writeFailed: \(Self.failure.reason)"))
    }

    @Test func aSuccessResetsTheFailureCount() {
        var machine = RestrictionStateMachine(failures: 3, probeSuccesses: 3)
        _ = machine.handle(.writeFailed(Self.failure, at: 1))
        _ = machine.handle(.writeFailed(Self.failure, at: 2))
        #expect(machine.handle(.writeSucceeded(at: 3)) == [])
        #expect(machine.state == .normal(consecutiveFailures: 0))
        #expect(machine.handle(.writeFailed(Self.failure, at: 4)) == [])
        #expect(machine.handle(.writeFailed(Self.failure, at: 5)) == [])
        #expect(!machine.isRestricted)
    }

    @Test func probeSuccessesLeaveAndAFailureInBetweenStartsTheCountAgain() {
        var machine = Self.restricted(since: 1_000)
        #expect(machine.handle(.writeSucceeded(at: 2_000)) == [])
        #expect(machine.state == .restricted(since: 1_000, probeSuccesses: 1))
        #expect(machine.handle(.writeSucceeded(at: 3_000)) == [])
        #expect(machine.handle(.writeFailed(Self.failure, at: 4_000)) == [])
        #expect(machine.state == .restricted(since: 1_000, probeSuccesses: 0))
        #expect(machine.handle(.writeSucceeded(at: 5_000)) == [])
        #expect(machine.handle(.writeSucceeded(at: 6_000)) == [])
        let actions = machine.handle(.writeSucceeded(at: 7_000))
        #expect(machine.state == .normal(consecutiveFailures: 0))
        #expect(actions == [
            .notifyNode(restricted: false),
            .logCritical("CDR restriction ended after 6 ms: 3 successful probe writes"),
            .queueAudit([
                "event": .string("restriction_ended"),
                "time_us": .integer(7_000),
                "started_us": .integer(1_000),
                "duration_us": .integer(6_000),
                "released_by": .string("probe"),
            ]),
        ])
    }

    @Test func manualReleaseLeavesAtOnce() {
        var machine = Self.restricted(since: 100)
        let actions = machine.handle(.manualRelease(at: 2_100))
        #expect(!machine.isRestricted)
        #expect(actions.first == .notifyNode(restricted: false))
        #expect(actions.last == .queueAudit([
            "event": .string("restriction_ended"),
            "time_us": .integer(2_100),
            "started_us": .integer(100),
            "duration_us": .integer(2_000),
            "released_by": .string("admin"),
        ]))
    }

    @Test func manualReleaseWhileNormalOnlyLogs() {
        var machine = RestrictionStateMachine()
        _ = machine.handle(.writeFailed(Self.failure, at: 1))
        let actions = machine.handle(.manualRelease(at: 2))
        #expect(actions.count == 1)
        guard case .logNotice = actions.first else {
            Issue.record("expected a notice, got \(actions)")
            return
        }
        #expect(machine.state == .normal(consecutiveFailures: 1))
    }

    @Test func restrictionCanBeEnteredAgainAfterLeaving() {
        var machine = Self.restricted(since: 1)
        _ = machine.handle(.manualRelease(at: 2))
        _ = machine.handle(.writeFailed(Self.failure, at: 3))
        _ = machine.handle(.writeFailed(Self.failure, at: 4))
        #expect(machine.handle(.writeFailed(Self.failure, at: 5)).first == .notifyNode(restricted: true))
        #expect(machine.state == .restricted(since: 5, probeSuccesses: 0))
    }

    @Test func thresholdsBelowOneAreOne() {
        var machine = RestrictionStateMachine(failures: 0, probeSuccesses: -2)
        #expect(machine.handle(.writeFailed(Self.failure, at: 1)).first == .notifyNode(restricted: true))
        #expect(machine.handle(.writeSucceeded(at: 2)).first == .notifyNode(restricted: false))
    }

    static func restricted(since: Int64) -> RestrictionStateMachine {
        var machine = RestrictionStateMachine(failures: 3, probeSuccesses: 3)
        for _ in 0..<3 {
            _ = machine.handle(.writeFailed(failure, at: since))
        }
        return machine
    }
}
