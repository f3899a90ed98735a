import Foundation
import Ledger
public import Records

/// The node's record writer: every record becomes a chained ledger record (docs/ledger-format.md) in
/// `DATA/<kind>/<kind>-<node>-<start>.jsonl` for the kinds `cdr`, `attempt`, `audit` and `checkpoint`,
/// written by one background thread, the single writer of every chain.
///
/// At creation the sink loads (or creates) the node's signing key and recovers the chains already on disk:
/// it continues each chain where it ended, moves a torn last line into `DATA/quarantine/`, and writes
/// `torn_line_quarantined` and `node_started` audit records and a checkpoint. It then writes a signed
/// checkpoint every `checkpointInterval` when records were written since the last one, and at `close()`.
///
/// `emit` only queues. If more than `capacity` records are pending (for example while the disk
/// fails and writes are retried), `emit` blocks until the writer catches up: back-pressure, never
/// loss. Write errors go to `onError` and are counted; the lines stay pending and are retried.
/// `close()` writes everything pending and a final checkpoint before it returns.
public final class JSONLinesRecordSink: RecordSink {
    /// The default bound on pending records.
    public static let defaultCapacity = 100_000
    /// The version written into `node_started` audit records.
    public static let softwareVersion = "0.1.0"

    /// The CDR file this sink appends to.
    public let cdrFilePath: String
    /// The attempt file this sink appends to.
    public let attemptFilePath: String
    /// The audit file this sink appends to.
    public let auditFilePath: String
    /// The checkpoint file this sink appends to.
    public let checkpointFilePath: String

    private let writer: RecordWriter

    /// Loads or creates the signing key, recovers the chains under `dataDirectory`, opens new files named after
    /// `nodeID` and the start time, and starts the writer thread.
    ///
    /// Throws `chainBroken` (naming file and line) when an existing chain is damaged before its last line, and
    /// `signingKeyUnavailable` when the key cannot be loaded or created: the node must not carry traffic it cannot
    /// record in an intact, signed chain.
    public convenience init(
        dataDirectory: String,
        nodeID: String,
        clock: any MicrosecondClock = SystemMicrosecondClock(),
        checkpointInterval: Duration = .seconds(60),
        capacity: Int = JSONLinesRecordSink.defaultCapacity,
        restriction: RestrictionOptions = RestrictionOptions(),
        rotation: RotationPolicy = .never,
        onError: @escaping @Sendable (RecordSinkError) -> Void = { _ in }
    ) throws(RecordSinkError) {
        try Self.validate(nodeID: nodeID)
        guard checkpointInterval > .zero else {
            throw RecordSinkError(.invalidCheckpointInterval, reason: "the checkpoint interval must be positive")
        }
        try Self.createDirectory(dataDirectory)
        let lock = try DataDirectoryLock.acquire(dataDirectory: dataDirectory)
        // A full or read-only file system refuses the start: a node that cannot record must not
        // carry traffic (DESIGN invariant 7). One real page, fsync'd, before anything else is touched.
        do {
            let adminDirectory = RestrictionRelease.adminDirectory(dataDirectory: dataDirectory)
            try Self.createDirectory(adminDirectory)
            try FileRestrictionProbe(directory: adminDirectory).probe()
        } catch {
            lock.release()
            throw RecordSinkError(.dataDirectoryUnavailable, reason: "cannot write to \(dataDirectory): \(error.reason)")
        }
        var chains: LedgerChains
        let audits: [[String: CanonicalJSON]]
        let recoveredSessions: [SessionRecords]
        let journalFound: LiveSessionJournal?
        let key: NodeSigningKey
        do {
            key = try Self.loadKey(dataDirectory: dataDirectory)
            (chains, audits, recoveredSessions, journalFound) = try Self.recover(
                dataDirectory: dataDirectory, nodeID: nodeID, now: clock.nowMicroseconds(), rotation: rotation
            )
        } catch {
            lock.release()
            throw error
        }
        chains.directoryLock = lock
        let adminDirectory = RestrictionRelease.adminDirectory(dataDirectory: dataDirectory)
        try Self.createDirectory(adminDirectory)
        self.init(
            chains: chains,
            startupAudits: audits,
            signing: LedgerSigning(key: key, clock: clock, checkpointInterval: checkpointInterval),
            capacity: capacity,
            restriction: restriction,
            probe: FileRestrictionProbe(directory: adminDirectory),
            adminDirectory: adminDirectory,
            journal: JournalSetup(
                dataDirectory: dataDirectory, recoveredSessions: recoveredSessions, replaceAtStart: journalFound != nil,
                generation: journalFound?.generation ?? 0
            ),
            onError: onError
        )
    }

    private static func loadKey(dataDirectory: String) throws(RecordSinkError) -> NodeSigningKey {
        do {
            return try NodeSigningKey.loadOrCreate(dataDirectory: dataDirectory)
        } catch {
            throw RecordSinkError(.signingKeyUnavailable, reason: error.reason)
        }
    }

    // Continues every chain on disk, opens this start's files, lists the start's audit records, and rebuilds the
    // records of the calls the live-session journal lists without a CDR (the node died with them up).
    private static func recover(
        dataDirectory: String,
        nodeID: String,
        now: Int64,
        rotation: RotationPolicy
    ) throws(RecordSinkError) -> (LedgerChains, [[String: CanonicalJSON]], [SessionRecords], LiveSessionJournal?) {
        let stamp = UTCTimestamp.compact(microseconds: now)
        let journal = try LiveJournalFile.read(dataDirectory: dataDirectory)
        let watched = Set(journal?.sessions.map(\.sessionID) ?? [])

        var recovered: [RecoveredChain] = []
        for kind in LedgerChains.allKinds {
            recovered.append(
                try LedgerRecovery.recover(
                    kind: kind, dataDirectory: dataDirectory, nodeID: nodeID, stamp: stamp,
                    watchedSessionIDs: kind == CallDetailRecord.kind ? watched : []
                )
            )
        }
        let recoveredManifests = try ManifestRecovery.writeMissing(for: recovered, dataDirectory: dataDirectory, nodeID: nodeID)
        let recordedSessionIDs = recovered.first { $0.kind == CallDetailRecord.kind }?.recordedSessionIDs ?? []
        let recoveredSessions = journal.map {
            JournalRecovery.records(for: $0, excluding: recordedSessionIDs, nodeID: nodeID)
        } ?? []
        var outputs: [ChainOutput] = []
        for chain in recovered {
            do {
                let file = try Self.createFile(in: dataDirectory, kind: chain.kind, nodeID: nodeID, stamp: stamp)
                outputs.append(
                    ChainOutput(
                        file: file,
                        chain: HashChain(nodeID: nodeID, kind: chain.kind, position: chain.position),
                        merkle: chain.merkle
                    )
                )
            } catch {
                for output in outputs {
                    output.file.close()
                }
                throw error
            }
        }
        let chains = LedgerChains(
            cdr: outputs[0], attempt: outputs[1], bidlog: outputs[2], audit: outputs[3], checkpoint: outputs[4], rotation: rotation
        )

        var audits: [[String: CanonicalJSON]] = recovered.flatMap(\.quarantined).map { tail in
            [
                "event": .string("torn_line_quarantined"),
                "time_us": .integer(now),
                "file": .string(tail.file),
                "bytes": .integer(tail.bytes),
                "quarantine_file": .string(tail.quarantineFile),
            ]
        }
        for file in recoveredManifests {
            audits.append([
                "event": .string("manifest_recovered"),
                "time_us": .integer(now),
                "file": .string(file),
            ])
        }
        audits.append([
            "event": .string("node_started"),
            "time_us": .integer(now),
            "version": .string(Self.softwareVersion),
        ])
        if journal != nil {
            audits.append([
                "event": .string("sessions_recovered"),
                "time_us": .integer(now),
                "count": .integer(recoveredSessions.count),
            ])
        }
        return (chains, audits, recoveredSessions, journal)
    }

    /// Starts a sink over already opened files and recovered chains; tests use it to inject failing or stalling files.
    init(
        chains: LedgerChains,
        startupAudits: [[String: CanonicalJSON]],
        signing: LedgerSigning,
        capacity: Int,
        retryBackoffMicroseconds: UInt32 = 50_000,
        restriction: RestrictionOptions = RestrictionOptions(),
        probe: any RestrictionProbe = NoRestrictionProbe(),
        adminDirectory: String? = nil,
        journal: JournalSetup = JournalSetup(),
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) {
        self.cdrFilePath = chains.cdr.file.path
        self.attemptFilePath = chains.attempt.file.path
        self.auditFilePath = chains.audit.file.path
        self.checkpointFilePath = chains.checkpoint.file.path
        self.writer = RecordWriter(
            chains: chains,
            startupAudits: startupAudits,
            signing: signing,
            capacity: capacity,
            retryBackoffMicroseconds: retryBackoffMicroseconds,
            restriction: restriction,
            probe: probe,
            adminDirectory: adminDirectory,
            journal: journal,
            onError: onError
        )
        writer.start()
    }

    deinit {
        // Without an explicit close the thread still drains what is queued, then exits.
        writer.beginClose()
    }

    /// Queues the session's CDR and attempts; blocks only under back-pressure.
    public func emit(_ records: SessionRecords) {
        writer.enqueue(records)
    }

    /// Queues one audit record: `fields` must hold `event` and `time_us` and may hold anything else canonical; the
    /// writer adds node, kind, seq, prev_hash and hash and writes it with the next harvest cycle (it is durable, and
    /// leaves on the `audit` stream, like every audit record).
    public func emitAudit(_ fields: [String: CanonicalJSON]) {
        writer.enqueueAudit(fields)
    }

    /// Hands over the crash-journal changes since the last call, stamped with the sink's clock; the writer appends
    /// them to `DATA/journal/live.log` at its next harvest cycle, after that cycle's records are synced.
    public func updateJournal(_ changes: [LiveSessionJournalChange]) {
        writer.updateJournal(changes)
    }

    /// Waits until everything emitted before this call is written and synced.
    public func flush() {
        _ = writer.waitUntilWritten(deadline: nil)
    }

    /// Like `flush()`, but gives up after `timeout`; returns whether everything was written.
    public func flush(timeout: Duration) -> Bool {
        writer.waitUntilWritten(deadline: Self.deadline(after: timeout))
    }

    /// Stops accepting records, writes everything pending and a final checkpoint, and closes the files.
    public func close() {
        _ = writer.close(deadline: nil)
    }

    /// Like `close()`, but stops waiting after `timeout`; returns whether the writer finished.
    public func close(timeout: Duration) -> Bool {
        writer.close(deadline: Self.deadline(after: timeout))
    }

    /// Replaces the restriction thresholds, harvest interval and callbacks (a node attaches here when it starts);
    /// when the sink is already restricted, `onRestrictionChange(true)` is called at once.
    public func configureRestriction(_ options: RestrictionOptions) {
        writer.configureRestriction(options)
    }

    /// Calls `observer` on the writer thread after each rotation (replacing an earlier observer); it must return
    /// quickly, as the next harvest cycle waits for it.
    public func observeRotations(_ observer: @escaping @Sendable (RotationEvent) -> Void) {
        writer.observeRotations(observer)
    }

    /// The `seq` of the last durable record of each chain (written, fsynced, its file's name durable), by kind:
    /// `cdr`, `attempt`, `audit`, `checkpoint`; 0 for a chain without records. Records up to it may leave the node
    /// (streams, exports): a crash cannot take them back.
    public var durableSequences: [String: UInt64] {
        writer.durableSequences
    }

    /// Calls `observer` with `durableSequences` at once and then on the writer thread after every harvest cycle
    /// that made more records durable (replacing an earlier observer); it must return quickly.
    public func observeDurability(_ observer: @escaping @Sendable ([String: UInt64]) -> Void) {
        writer.observeDurability(observer)
    }

    /// From the next harvest cycle on, calls `observer` on the writer thread with the lines of the chains in `kinds`
    /// that the cycle made durable, just before the durability observer hears of them (replacing an earlier
    /// observer); it must return quickly. Lines sealed before the first such cycle, or dropped while writes failed
    /// for long (`SealedLineBuffer.limit`), are not handed over: a consumer must read whatever it misses from the
    /// chain files, which hold every line.
    public func observeDurableLines(kinds: Set<String>, _ observer: @escaping @Sendable ([DurableLines]) -> Void) {
        writer.observeDurableLines(kinds: kinds, observer)
    }

    /// Whether the sink is in CDR restriction now: writes failed and new sessions must be refused.
    public var isRestricted: Bool {
        writer.isRestricted
    }

    /// How many times restriction began since the sink started.
    public var restrictionCount: Int {
        writer.restrictionCount
    }

    /// The sink's counters now.
    public var counters: RecordSinkCounters {
        writer.counters
    }

    /// Checkpoints written and synced so far, including the one at start.
    var checkpointCount: Int {
        writer.checkpointCount
    }

    private static func deadline(after timeout: Duration) -> Date {
        let (seconds, attoseconds) = timeout.components
        return Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
    }

    // The node id becomes part of file names, so it must not contain path syntax.
    private static func validate(nodeID: String) throws(RecordSinkError) {
        let allowed = nodeID.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !nodeID.isEmpty, nodeID.utf8.count <= 64, allowed, nodeID.first != "." else {
            throw RecordSinkError(
                .invalidNodeID,
                reason: "node id must be 1-64 characters of A-Z a-z 0-9 . _ - and not start with '.'"
            )
        }
    }

    private static func createDirectory(_ directory: String) throws(RecordSinkError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecordSinkError(
                .dataDirectoryUnavailable,
                reason: "cannot create \(directory): \(error.localizedDescription)"
            )
        }
    }

    private static func createFile(
        in dataDirectory: String,
        kind: String,
        nodeID: String,
        stamp: String
    ) throws(RecordSinkError) -> POSIXRecordFile {
        let directory = dataDirectory + "/" + kind
        try createDirectory(directory)
        return try POSIXRecordFile.createNew(in: directory, baseName: "\(kind)-\(nodeID)-\(stamp)")
    }
}
