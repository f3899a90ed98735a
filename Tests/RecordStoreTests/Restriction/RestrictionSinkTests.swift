import Foundation
import Ledger
@testable import RecordStore
import Records
import Synchronization
import Testing

/// A record file whose writes or fsyncs fail while switched to failing, like a full or broken disk.
final class BreakableRecordFile: RecordFile {
    struct State {
        var bytes: [UInt8] = []
        var failWrites = false
        var failSyncs = false
        var failedCalls = 0
    }

    let path: String
    private let state = Mutex(State())

    init(path: String) {
        self.path = RecordFixtures.scratchPath(path)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(RecordSinkError) -> Int {
        let failing = state.withLock { state in
            if state.failWrites { state.failedCalls += 1 }
            return state.failWrites
        }
        if failing {
            throw RecordSinkError(.writeFailed, reason: "write to \(path) failed: No space left on device (errno 28)")
        }
        state.withLock { $0.bytes.append(contentsOf: bytes) }
        return bytes.count
    }

    func sync() throws(RecordSinkError) {
        let failing = state.withLock { state in
            if state.failSyncs { state.failedCalls += 1 }
            return state.failSyncs
        }
        if failing {
            throw RecordSinkError(.syncFailed, reason: "fsync of \(path) failed: Input/output error (errno 5)")
        }
    }

    func close() {}

    func set(failWrites: Bool? = nil, failSyncs: Bool? = nil) {
        state.withLock { state in
            if let failWrites { state.failWrites = failWrites }
            if let failSyncs { state.failSyncs = failSyncs }
        }
    }

    var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
    var failedCalls: Int { state.withLock { $0.failedCalls } }
}

/// The sink's writer with the restriction machine wired in, over files that fail on command.
@Suite struct RestrictionSinkTests {
    final class Rig {
        let cdr = BreakableRecordFile(path: "cdr")
        let attempt = BreakableRecordFile(path: "attempt")
        let audit = BreakableRecordFile(path: "audit")
        let checkpoint = BreakableRecordFile(path: "checkpoint")
        final class Observed: Sendable {
            let changes = Mutex<[Bool]>([])
            let logs = Mutex<[String]>([])
        }

        let observed = Observed()
        var changes: [Bool] { observed.changes.withLock { $0 } }
        var logs: [String] { observed.logs.withLock { $0 } }
        let sink: JSONLinesRecordSink

        init(
            adminDirectory: String? = nil, probe: any RestrictionProbe = NoRestrictionProbe(), harvestInterval: Duration = .milliseconds(10)
        ) throws {
            let chains = LedgerChains(
                cdr: ChainOutput(file: cdr, chain: HashChain(nodeID: "n1", kind: "cdr")),
                attempt: ChainOutput(file: attempt, chain: HashChain(nodeID: "n1", kind: "attempt")),
                bidlog: ChainOutput(file: FakeRecordFile(path: "bidlog"), chain: HashChain(nodeID: "n1", kind: "bidlog")),
                audit: ChainOutput(file: audit, chain: HashChain(nodeID: "n1", kind: "audit")),
                checkpoint: ChainOutput(file: checkpoint, chain: HashChain(nodeID: "n1", kind: "checkpoint"))
            )
            let observed = self.observed
            sink = JSONLinesRecordSink(
                chains: chains,
                startupAudits: [["event": .string("node_started"), "time_us": .integer(1)]],
                signing: LedgerSigning(key: try LedgerFixtures.signingKey(), clock: SystemMicrosecondClock(), checkpointInterval: .seconds(60)),
                capacity: 10_000,
                retryBackoffMicroseconds: 1_000,
                restriction: RestrictionOptions(
                    failures: 3,
                    probeSuccesses: 3,
                    harvestInterval: harvestInterval,
                    onRestrictionChange: { restricted in observed.changes.withLock { $0.append(restricted) } },
                    onLog: { critical, line in observed.logs.withLock { $0.append((critical ? "critical: " : "notice: ") + line) } }
                ),
                probe: probe,
                adminDirectory: adminDirectory,
                onError: { _ in }
            )
        }

        /// Audit records, checked as a chain from genesis: seq, prev_hash and every hash recomputed.
        func auditChain() throws -> [[String: Any]] {
            try Self.chain(audit.text, kind: "audit")
        }

        static func chain(_ text: String, kind: String) throws -> [[String: Any]] {
            var previous = LedgerHash.zero
            var out: [[String: Any]] = []
            for (index, line) in text.split(separator: "\n").enumerated() {
                let record = try LedgerFixtures.record(String(line), file: kind, line: index + 1)
                #expect(record.seq == index + 1, "\(kind) line \(index + 1): seq")
                #expect(record.json["prev_hash"] as? String == previous.hex, "\(kind) line \(index + 1): prev_hash")
                previous = record.hash
                out.append(record.json)
            }
            return out
        }
    }

    @Test func threeFailedWritesRestrictHeldRecordsAreWrittenFirstAndProbesRelease() throws {
        let rig = try Rig()
        #expect(RecordFixtures.eventually { rig.audit.text.contains("node_started") })
        rig.cdr.set(failWrites: true)
        let before = (0..<4).map { RecordFixtures.session(index: $0, attempts: 1) }
        for session in before { rig.sink.emit(session) }
        #expect(RecordFixtures.eventually { rig.sink.isRestricted })
        #expect(rig.changes == [true])
        #expect(rig.cdr.failedCalls >= 3)
        // While restricted, drained sessions' records are still accepted and held.
        let during = (4..<7).map { RecordFixtures.session(index: $0, attempts: 1) }
        for session in during { rig.sink.emit(session) }
        #expect(rig.cdr.text.isEmpty)
        #expect(!rig.audit.text.contains("restriction_started"), "the audit chain waits behind the cdr chain")

        rig.cdr.set(failWrites: false)
        #expect(RecordFixtures.eventually { !rig.sink.isRestricted })
        #expect(rig.changes == [true, false])
        let after = RecordFixtures.session(index: 7, attempts: 1)
        rig.sink.emit(after)
        #expect(rig.sink.flush(timeout: .seconds(10)))
        rig.sink.close()

        // Nothing lost, nothing repeated, in emission order, chains intact.
        let all = before + during + [after]
        #expect(Array(rig.cdr.text.utf8) == LedgerFixtures.sealedLines(all.map(\.cdr)))
        #expect(Array(rig.attempt.text.utf8) == LedgerFixtures.sealedLines(all.flatMap(\.attempts)))
        let audits = try rig.auditChain()
        #expect(audits.map { $0["event"] as? String } == ["node_started", "restriction_started", "restriction_ended"])
        #expect(audits[1]["error_code"] as? String == "writeFailed")
        #expect(audits[2]["released_by"] as? String == "probe")
        let started = audits[1]["time_us"] as? Int ?? 0
        let ended = audits[2]["time_us"] as? Int ?? 0
        #expect(audits[2]["duration_us"] as? Int == ended - started)
        #expect(rig.sink.restrictionCount == 1)
        let logs = rig.logs
        #expect(logs.count == 2)
        #expect(logs.allSatisfy { $0.hasPrefix("critical: CDR restriction") })
        _ = try Rig.chain(rig.checkpoint.text, kind: "checkpoint")
    }

    @Test func failedFsyncsCountTowardsRestriction() throws {
        let rig = try Rig()
        rig.cdr.set(failSyncs: true)
        for index in 0..<10 {
            rig.sink.emit(RecordFixtures.session(index: index, attempts: 0))
            _ = rig.sink.flush(timeout: .seconds(5))
            if rig.sink.isRestricted { break }
        }
        #expect(RecordFixtures.eventually { rig.sink.isRestricted })
        rig.cdr.set(failSyncs: false)
        #expect(RecordFixtures.eventually { !rig.sink.isRestricted })
        rig.sink.close()
        let audits = try rig.auditChain()
        #expect(audits.compactMap { $0["error_code"] as? String } == ["syncFailed"])
    }

    @Test func recordsBecomeDurableOnlyWhenTheirFsyncSucceeds() throws {
        let rig = try Rig()
        let reported = Mutex<[[String: UInt64]]>([])
        rig.sink.observeDurability { sequences in reported.withLock { $0.append(sequences) } }
        rig.sink.emit(RecordFixtures.session(index: 0, attempts: 0))
        #expect(RecordFixtures.eventually { rig.sink.durableSequences["cdr"] == 1 })
        rig.cdr.set(failSyncs: true)
        rig.sink.emit(RecordFixtures.session(index: 1, attempts: 0))
        _ = rig.sink.flush(timeout: .seconds(5))
        // Written, but its fsync failed: it must not leave the node yet.
        #expect(rig.sink.durableSequences["cdr"] == 1)
        rig.cdr.set(failSyncs: false)
        rig.sink.emit(RecordFixtures.session(index: 2, attempts: 0))
        #expect(RecordFixtures.eventually { rig.sink.durableSequences["cdr"] == 3 })
        rig.sink.close()
        let cdrValues = reported.withLock { $0 }.compactMap { $0["cdr"] }
        #expect(cdrValues.first == 0, "the observer hears the state at once")
        #expect(cdrValues == cdrValues.sorted(), "durable sequences never go back")
        #expect(!cdrValues.contains(2), "seq 2 was never durable on its own")
    }

    @Test func probeFailuresKeepTheSinkRestricted() throws {
        let probe = SwitchableProbe()
        let rig = try Rig(probe: probe)
        rig.cdr.set(failWrites: true)
        rig.sink.emit(RecordFixtures.session(index: 0, attempts: 0))
        #expect(RecordFixtures.eventually { rig.sink.isRestricted })
        // The held records can be written, but the probe (the disk) still fails.
        probe.failing.withLock { $0 = true }
        rig.cdr.set(failWrites: false)
        #expect(RecordFixtures.eventually { probe.calls.withLock { $0 } >= 5 })
        #expect(rig.sink.isRestricted)
        probe.failing.withLock { $0 = false }
        #expect(RecordFixtures.eventually { !rig.sink.isRestricted })
        rig.sink.close()
    }

    @Test func adminUnrestrictFileReleasesAtOnceAndIsRemoved() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rig = try Rig(adminDirectory: RestrictionRelease.adminDirectory(dataDirectory: directory))
        rig.cdr.set(failWrites: true)
        rig.sink.emit(RecordFixtures.session(index: 0, attempts: 0))
        #expect(RecordFixtures.eventually { rig.sink.isRestricted })
        try RestrictionRelease.request(dataDirectory: directory)
        let request = RestrictionRelease.adminDirectory(dataDirectory: directory) + "/" + RestrictionRelease.fileName
        #expect(RecordFixtures.eventually { !rig.sink.isRestricted })
        #expect(!FileManager.default.fileExists(atPath: request))
        // Writes still fail, so the writer restricts again.
        #expect(RecordFixtures.eventually { rig.sink.isRestricted })
        #expect(rig.changes == [true, false, true])
        rig.cdr.set(failWrites: false)
        #expect(RecordFixtures.eventually { !rig.sink.isRestricted })
        rig.sink.close()
        let audits = try rig.auditChain()
        #expect(audits.compactMap { $0["released_by"] as? String } == ["admin", "probe"])
        #expect(audits.count { $0["event"] as? String == "restriction_started" } == 2)
    }

    @Test func aRecordIsDurableWithinOneHarvestCycleOfItsEmit() throws {
        // An emit does not wake the writer; without a flush the record waits for the next tick, at most one interval.
        let interval = Duration.milliseconds(250)
        let rig = try Rig(harvestInterval: interval)
        for index in 0..<4 {
            usleep(UInt32.random(in: 0..<250_000))  // anywhere in the cycle
            let emitted = ContinuousClock.now
            rig.sink.emit(RecordFixtures.session(index: index, attempts: 0))
            #expect(RecordFixtures.eventually(seconds: 2) { rig.sink.durableSequences["cdr"] == UInt64(index + 1) })
            let waited = ContinuousClock.now - emitted
            // One interval, plus scheduling slack on a shared machine.
            #expect(waited < interval + .milliseconds(250), "record \(index + 1) durable after \(waited)")
        }
        rig.sink.close()
    }

    @Test func harvestCycleWritesWithoutAFlush() throws {
        let rig = try Rig()
        rig.sink.emit(RecordFixtures.session(index: 0, attempts: 0))
        // No flush, no close: the 10 ms harvest tick writes it.
        #expect(RecordFixtures.eventually(seconds: 2) { rig.sink.counters.written == 1 })
        rig.sink.close()
    }
}

final class SwitchableProbe: RestrictionProbe {
    let failing = Mutex(false)
    let calls = Mutex(0)

    func probe() throws(RecordSinkError) {
        calls.withLock { $0 += 1 }
        if failing.withLock({ $0 }) {
            throw RecordSinkError(.writeFailed, reason: "probe failed: No space left on device (errno 28)")
        }
    }
}
