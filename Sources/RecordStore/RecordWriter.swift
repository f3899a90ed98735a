import Foundation
import Ledger
import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The serial background writer behind `JSONLinesRecordSink` and the single writer of the node's chains:
/// callers enqueue sessions, one thread seals each record into its kind's hash chain, appends the lines
/// with `write(2)`, syncs per batch, and seals signed checkpoints of the Merkle roots.
///
/// `@unchecked Sendable` is safe: every stored `var` is read and written only with `condition`
/// locked; the chains and byte buffers live in `run()` on the writer thread alone.
final class RecordWriter: @unchecked Sendable {
    private let condition = NSCondition()
    /// Optional only so the writer can move each session out of its batch (`take()`) instead of copying it.
    private var queued: [SessionRecords?] = []
    private var queuedRecords = 0
    private var inFlightRecords = 0
    private var waitingEmitters = 0
    private var closing = false
    private var finished = false
    private var acceptedRecords = 0
    private var writtenRecords = 0
    private var failedWrites = 0
    private var droppedRecords = 0
    private var checkpointsWritten = 0
    private var flushWaiters = 0
    private var restricted = false
    private var restrictionEpisodes = 0
    private var restrictionPolicy: (failures: Int, probeSuccesses: Int)
    private var restrictionPolicyChanged = false
    private var harvestInterval: Duration
    private var onRestrictionChange: @Sendable (Bool) -> Void = { _ in }
    private var onLog: @Sendable (Bool, String) -> Void = { _, _ in }
    private var onRotation: @Sendable (RotationEvent) -> Void = { _ in }
    private var onDurable: @Sendable ([String: UInt64]) -> Void = { _ in }
    /// Who takes the durable lines of which chains; the writer thread applies a change at its next cycle.
    private var onDurableLines: (@Sendable ([DurableLines]) -> Void)?
    private var durableLineKinds: Set<String> = []
    private var durableLineKindsChanged = false
    /// The last durable `seq` per kind, as of the last harvest cycle.
    private var durable: [String: UInt64] = [:]
    /// Crash-journal changes handed over since the last cycle took them, and when the node last handed any over.
    private var pendingJournalChanges: [LiveSessionJournalChange] = []
    private var pendingJournalTime: Int64?
    /// Audit records handed over by other components (peer audit, rate sync), chained at the next harvest cycle.
    private var queuedAudits: [[String: CanonicalJSON]] = []

    // Handed to the writer thread in `start()`; not touched afterwards.
    private let initialChains: LedgerChains
    private let startupAudits: [[String: CanonicalJSON]]
    private let signing: LedgerSigning
    private let capacity: Int
    private let initialBackoffMicroseconds: UInt32
    private static let maximumBackoffMicroseconds: UInt32 = 1_000_000
    private let onError: @Sendable (RecordSinkError) -> Void
    private let probe: any RestrictionProbe
    private let adminDirectory: String?
    private let journal: JournalSetup

    init(
        chains: LedgerChains,
        startupAudits: [[String: CanonicalJSON]],
        signing: LedgerSigning,
        capacity: Int,
        retryBackoffMicroseconds: UInt32,
        restriction: RestrictionOptions,
        probe: any RestrictionProbe,
        adminDirectory: String?,
        journal: JournalSetup,
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) {
        self.journal = journal
        self.restrictionPolicy = (restriction.failures, restriction.probeSuccesses)
        self.harvestInterval = restriction.harvestInterval > .zero ? restriction.harvestInterval : .milliseconds(100)
        self.onRestrictionChange = restriction.onRestrictionChange
        self.onLog = restriction.onLog
        self.probe = probe
        self.adminDirectory = adminDirectory
        self.initialChains = chains
        self.durable = chains.durableSequences
        self.startupAudits = startupAudits
        self.signing = signing
        self.capacity = max(1, capacity)
        self.initialBackoffMicroseconds = max(1, retryBackoffMicroseconds)
        self.onError = onError
    }

    /// Starts the writer thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sipswarm-records"
        thread.start()
    }

    /// Queues a session; blocks only while `capacity` records are already pending (back-pressure, never loss).
    func enqueue(_ records: SessionRecords) {
        let count = records.recordCount
        condition.lock()
        guard !closing else {
            droppedRecords += count
            condition.unlock()
            onError(RecordSinkError(.closed, reason: "\(count) records emitted after close were not written"))
            return
        }
        while queuedRecords + inFlightRecords >= capacity {
            waitingEmitters += 1
            condition.wait()
            waitingEmitters -= 1
        }
        queued.append(records)
        queuedRecords += count
        acceptedRecords += count
        // The writer sleeps until its next harvest cycle and only needs waking early for a flush or for
        // emitters blocked on back-pressure. Waking it for every session cost a futex wake and two context
        // switches per call (issue 9 profile); no other waiter is helped by a new record.
        if flushWaiters > 0 || waitingEmitters > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Queues one audit record (its fields without seq, prev_hash and hash); it is chained and written with the next
    /// harvest cycle. Audit records are rare and small, so they bypass back-pressure; after close they are reported.
    func enqueueAudit(_ fields: [String: CanonicalJSON]) {
        condition.lock()
        guard !closing else {
            droppedRecords += 1
            condition.unlock()
            onError(RecordSinkError(.closed, reason: "an audit record emitted after close was not written"))
            return
        }
        queuedAudits.append(fields)
        acceptedRecords += 1
        inFlightRecords += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Keeps the crash-journal changes for the next harvest cycle, stamped now (when the node knew its live
    /// sessions); ignored without a data directory.
    func updateJournal(_ changes: [LiveSessionJournalChange]) {
        guard journal.dataDirectory != nil else { return }
        let time = signing.clock.nowMicroseconds()
        condition.lock()
        pendingJournalChanges.append(contentsOf: changes)
        pendingJournalTime = time
        condition.unlock()
    }

    /// Waits until every record accepted before the call is written; false if `deadline` passed first.
    func waitUntilWritten(deadline: Date?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let target = acceptedRecords
        // A waiter makes the writer run now instead of at the next harvest tick.
        flushWaiters += 1
        defer { flushWaiters -= 1 }
        condition.broadcast()
        while writtenRecords < target {
            if !wait(until: deadline) {
                return writtenRecords >= target
            }
        }
        return true
    }

    /// Changes the restriction thresholds, the harvest interval and the callbacks; thresholds apply
    /// from the next cycle when the writer is not restricted.
    func observeDurability(_ observer: @escaping @Sendable ([String: UInt64]) -> Void) {
        condition.lock()
        onDurable = observer
        let current = durable
        condition.unlock()
        observer(current)
    }

    /// From the next harvest cycle on, hands `observer` the lines of `kinds` each cycle made durable, before the
    /// durability observer hears of them (replacing an earlier observer).
    func observeDurableLines(kinds: Set<String>, _ observer: @escaping @Sendable ([DurableLines]) -> Void) {
        condition.lock()
        onDurableLines = observer
        durableLineKinds = kinds
        durableLineKindsChanged = true
        condition.unlock()
    }

    var durableSequences: [String: UInt64] {
        condition.lock()
        defer { condition.unlock() }
        return durable
    }

    func observeRotations(_ observer: @escaping @Sendable (RotationEvent) -> Void) {
        condition.lock()
        onRotation = observer
        condition.unlock()
    }

    func configureRestriction(_ options: RestrictionOptions) {
        condition.lock()
        restrictionPolicy = (options.failures, options.probeSuccesses)
        restrictionPolicyChanged = true
        if options.harvestInterval > .zero {
            harvestInterval = options.harvestInterval
        }
        onRestrictionChange = options.onRestrictionChange
        onLog = options.onLog
        let current = restricted
        condition.unlock()
        // A node that attaches late learns the state it missed.
        if current {
            options.onRestrictionChange(true)
        }
    }

    /// Whether the writer is in CDR restriction now.
    var isRestricted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return restricted
    }

    /// How many times restriction began since start.
    var restrictionCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return restrictionEpisodes
    }

    /// Refuses new records, writes everything pending and a final checkpoint, closes the files;
    /// false if `deadline` passed first.
    func close(deadline: Date?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
        while !finished {
            if !wait(until: deadline) {
                return finished
            }
        }
        return true
    }

    /// Asks the thread to finish once everything is written, without waiting for it.
    func beginClose() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    var counters: RecordSinkCounters {
        condition.lock()
        defer { condition.unlock() }
        return RecordSinkCounters(
            accepted: acceptedRecords,
            written: writtenRecords,
            pending: queuedRecords + inFlightRecords,
            failedWrites: failedWrites,
            dropped: droppedRecords
        )
    }

    /// Checkpoint records written and synced so far (including the one at start).
    var checkpointCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return checkpointsWritten
    }

    // Must be called with `condition` locked.
    private func wait(until deadline: Date?) -> Bool {
        guard let deadline else {
            condition.wait()
            return true
        }
        return condition.wait(until: deadline)
    }

    private func run() {
        var chains = initialChains
        for fields in startupAudits {
            chains.audit.append(fields)
        }
        // Calls the previous run's journal listed without a CDR: chained like any record, before anything new.
        for session in journal.recoveredSessions {
            seal(session, into: &chains)
        }
        // The previous run's journal is replaced once the recovered records are synced.
        let journalWriter = journal.dataDirectory.map { LiveJournalWriter(dataDirectory: $0, generation: journal.generation) }
        var journalResetPending = journal.replaceAtStart
        // Changes taken from the node and not yet written: kept until a cycle syncs its records.
        var journalChanges: [LiveSessionJournalChange] = []
        var journalTime: Int64?
        // Records left unsigned by a crash, and the start's own audit records, are covered at once.
        var recordsSinceCheckpoint = true
        var nextCheckpoint = Date.distantPast
        var bufferedRecords = 0
        var bufferedCheckpoints = 0
        var finalCheckpointSealed = false
        var backoff = initialBackoffMicroseconds
        var machine = RestrictionStateMachine(failures: restrictionPolicy.failures, probeSuccesses: restrictionPolicy.probeSuccesses)
        var retrying = false
        var nextHarvest = Date()
        while true {
            condition.lock()
            if restrictionPolicyChanged {
                restrictionPolicyChanged = false
                if !machine.isRestricted {
                    machine = RestrictionStateMachine(failures: restrictionPolicy.failures, probeSuccesses: restrictionPolicy.probeSuccesses)
                }
            }
            let interval = harvestInterval
            if !retrying {
                // The harvest cycle: wake every `harvestInterval`; run at once for a flush, for emitters blocked
                // on back-pressure, or to finish a close.
                while true {
                    let urgent = !queued.isEmpty && (flushWaiters > 0 || waitingEmitters > 0 || closing)
                    let exitReady = closing && waitingEmitters == 0 && queued.isEmpty
                    if urgent || exitReady || Date() >= nextHarvest || !condition.wait(until: nextHarvest) {
                        break
                    }
                }
                nextHarvest = Date(timeIntervalSinceNow: Self.seconds(interval))
            }
            let exitRequested = closing && waitingEmitters == 0 && queued.isEmpty
            var batch = queued
            let batchRecords = queuedRecords
            let audits = queuedAudits
            queuedAudits.removeAll()
            queued.removeAll(keepingCapacity: true)
            queuedRecords = 0
            inFlightRecords += batchRecords
            if let time = pendingJournalTime {
                // Swapped, not appended, in the usual case (the last cycle wrote its changes): appending copied
                // every change (issue 9 profile).
                if journalChanges.isEmpty {
                    swap(&journalChanges, &pendingJournalChanges)
                } else {
                    journalChanges.append(contentsOf: pendingJournalChanges)
                    pendingJournalChanges.removeAll(keepingCapacity: true)
                }
                journalTime = time
                pendingJournalTime = nil
            }
            let notifyRestriction = onRestrictionChange
            let log = onLog
            let notifyRotation = onRotation
            let notifyDurable = onDurable
            let notifyDurableLines = onDurableLines
            let keepLines: Set<String>? = durableLineKindsChanged ? durableLineKinds : nil
            durableLineKindsChanged = false
            condition.unlock()
            if let keepLines {
                chains.keepSealedLines(of: keepLines)
            }

            var events: [RestrictionStateMachine.Event] = []
            if let adminDirectory, RestrictionRelease.take(adminDirectory: adminDirectory) {
                events.append(.manualRelease(at: signing.clock.nowMicroseconds()))
            }

            // Each session is moved out of the batch, not copied: `for session in batch` (and a loop over the
            // buffer's indices alike) copied every session, retaining each of its strings and arrays, and released
            // the copy again before the batch freed the original (issue 9 profile).
            for index in batch.indices {
                if let session = batch[index].take() {
                    seal(session, into: &chains)
                }
            }
            for fields in audits {
                chains.audit.append(fields)
            }
            // Queued audit records were counted in flight when they were accepted.
            bufferedRecords += batchRecords + audits.count
            recordsSinceCheckpoint = recordsSinceCheckpoint || batchRecords > 0 || !audits.isEmpty

            let hadBytes = chains.hasBufferedBytes
            var cycleError: RecordSinkError?
            do {
                try chains.writeBuffers()
            } catch {
                cycleError = error
            }
            if let cycleError {
                // The unwritten bytes stay buffered and are retried after a pause (at most one harvest
                // interval, so a restricted writer probes every cycle); nothing is dropped.
                condition.lock()
                failedWrites += 1
                condition.unlock()
                onError(cycleError)
                events.append(.writeFailed(cycleError, at: signing.clock.nowMicroseconds()))
                apply(events, to: &machine, chains: &chains, notify: notifyRestriction, log: log)
                usleep(min(backoff, Self.microseconds(interval)))
                backoff = min(backoff * 2, Self.maximumBackoffMicroseconds)
                retrying = true
                continue
            }
            retrying = false
            backoff = initialBackoffMicroseconds

            // A failed fsync is not retried (the bytes are in the file, and a second fsync after a failed one
            // proves nothing), but it counts as a failed cycle towards restriction.
            let syncErrors = chains.syncWritten()
            let durableNow = chains.durableSequences
            condition.lock()
            let durableAdvanced = durableNow != durable
            durable = durableNow
            writtenRecords += bufferedRecords
            inFlightRecords -= bufferedRecords
            checkpointsWritten += bufferedCheckpoints
            failedWrites += syncErrors.count
            condition.broadcast()
            condition.unlock()
            bufferedRecords = 0
            bufferedCheckpoints = 0
            for error in syncErrors {
                onError(error)
            }
            for event in chains.rotationEvents {
                notifyRotation(event)
            }
            if durableAdvanced {
                // The lines first, so a publisher woken by the durability report finds them in memory.
                if let notifyDurableLines {
                    let lines = chains.takeDurableLines()
                    if !lines.isEmpty { notifyDurableLines(lines) }
                }
                notifyDurable(durableNow)
            }
            chains.rotationEvents.removeAll(keepingCapacity: true)
            if syncErrors.isEmpty, let journalWriter {
                // After the cycle's records are synced, so a session leaves the journal only once its CDR is on disk.
                writeJournal(journalWriter, reset: &journalResetPending, changes: &journalChanges, time: &journalTime)
            }
            if let syncError = syncErrors.first {
                events.append(.writeFailed(syncError, at: signing.clock.nowMicroseconds()))
            } else if hadBytes {
                events.append(.writeSucceeded(at: signing.clock.nowMicroseconds()))
            } else if machine.isRestricted {
                // Nothing held: probe the disk with a write of our own.
                do {
                    try probe.probe()
                    events.append(.writeSucceeded(at: signing.clock.nowMicroseconds()))
                } catch {
                    onError(error)
                    events.append(.writeFailed(error, at: signing.clock.nowMicroseconds()))
                }
            }
            apply(events, to: &machine, chains: &chains, notify: notifyRestriction, log: log)

            // Everything sealed so far is written and synced here, so a checkpoint never covers a record
            // that is not on disk before it.
            if exitRequested {
                if finalCheckpointSealed && !chains.hasBufferedBytes {
                    break
                }
                if !finalCheckpointSealed {
                    sealCheckpoint(into: &chains)
                    bufferedCheckpoints += 1
                    finalCheckpointSealed = true
                }
                retrying = true
            } else if recordsSinceCheckpoint && Date() >= nextCheckpoint {
                sealCheckpoint(into: &chains)
                bufferedCheckpoints += 1
                recordsSinceCheckpoint = false
                nextCheckpoint = Date(timeIntervalSinceNow: signing.checkpointIntervalSeconds)
            }
        }
        // The last files get their manifests; a failure is reported (the next start writes a missing one).
        for error in chains.closeFiles() {
            onError(error)
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    // Resets the previous run's journal once, then writes the changes taken from the node (their time is a
    // recovered call's end). A failed write is reported; the journal writer then writes a whole snapshot next time.
    private func writeJournal(
        _ writer: LiveJournalWriter, reset: inout Bool, changes: inout [LiveSessionJournalChange], time: inout Int64?
    ) {
        do throws(RecordSinkError) {
            if reset {
                try writer.reset(at: signing.clock.nowMicroseconds())
                reset = false
            }
            if let stamp = time {
                // Applied even if the write fails: the writer keeps the live set and catches up with a snapshot.
                var taken: [LiveSessionJournalChange] = []
                swap(&taken, &changes)
                time = nil
                try writer.apply(taken, at: stamp)
            }
        } catch {
            onError(error)
        }
    }

    // Runs the restriction machine and performs its actions: audit records join the audit chain's buffer and
    // are written with the next cycle that can write anything.
    private func apply(
        _ events: [RestrictionStateMachine.Event],
        to machine: inout RestrictionStateMachine,
        chains: inout LedgerChains,
        notify: @Sendable (Bool) -> Void,
        log: @Sendable (Bool, String) -> Void
    ) {
        for event in events {
            for action in machine.handle(event) {
                switch action {
                case .notifyNode(let restricted):
                    condition.lock()
                    self.restricted = restricted
                    if restricted { restrictionEpisodes += 1 }
                    condition.unlock()
                    notify(restricted)
                case .logCritical(let message):
                    log(true, message)
                case .logNotice(let message):
                    log(false, message)
                case .queueAudit(let fields):
                    chains.audit.append(fields)
                }
            }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func microseconds(_ duration: Duration) -> UInt32 {
        UInt32(clamping: Int64(seconds(duration) * 1_000_000))
    }

    private func seal(_ session: SessionRecords, into chains: inout LedgerChains) {
        let cdrKeys = chains.cdr.append(record: session.cdr)
        reportReplaced(cdrKeys, chain: chains.cdr.chain)
        for attempt in session.attempts {
            let keys = chains.attempt.append(record: attempt)
            reportReplaced(keys, chain: chains.attempt.chain)
        }
        for round in session.bidLog {
            let keys = chains.bidlog.append(record: round)
            reportReplaced(keys, chain: chains.bidlog.chain)
        }
    }

    private func sealCheckpoint(into chains: inout LedgerChains) {
        let key = signing.key
        let fields = CheckpointFields.make(
            timeMicros: signing.clock.nowMicroseconds(),
            chains: chains.heads,
            publicKeyBase64: key.publicKeyBase64
        )
        chains.checkpoint.append(fields, sign: { bytes in key.signBase64(bytes) })
    }

    // `HashChain.seal(record:)` writes the chain's node, kind, seq, prev_hash and hash over the record's own.
    private func reportReplaced(_ keys: [String], chain: HashChain) {
        guard keys.contains("node") else { return }
        // The chain's node id wins: one writer, one node. A mismatch is a wiring bug worth reporting.
        onError(
            RecordSinkError(
                .recordNodeMismatch,
                reason: "a \(chain.kind) record names another node than the writer \"\(chain.nodeID)\"; written under the writer's id"
            )
        )
    }
}

/// What the writer needs to take checkpoints: the key, the clock and the interval.
struct LedgerSigning: Sendable {
    let key: NodeSigningKey
    let clock: any MicrosecondClock
    let checkpointInterval: Duration

    var checkpointIntervalSeconds: Double {
        let (seconds, attoseconds) = checkpointInterval.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// The crash journal's part in the writer: where `journal/` lives, the sessions recovered from the previous run's
/// journal, whether that journal must be replaced once they are written, and its generation.
struct JournalSetup: Sendable {
    var dataDirectory: String?
    var recoveredSessions: [SessionRecords]
    var replaceAtStart: Bool
    var generation: Int64

    init(dataDirectory: String? = nil, recoveredSessions: [SessionRecords] = [], replaceAtStart: Bool = false, generation: Int64 = 0) {
        self.dataDirectory = dataDirectory
        self.recoveredSessions = recoveredSessions
        self.replaceAtStart = replaceAtStart
        self.generation = generation
    }
}
