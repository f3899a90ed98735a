import Foundation
import Ledger
import Records

/// The five chains of a node, in the order their bytes are written: the checkpoint last, after what it covers.
struct LedgerChains: Sendable {
    /// The kinds a checkpoint covers.
    static let coveredKinds = [CallDetailRecord.kind, AttemptRecord.kind, BidLogRecord.kind, LedgerChains.auditKind]
    /// The kind of audit records.
    static let auditKind = "audit"
    /// The kind of checkpoint records.
    static let checkpointKind = "checkpoint"
    /// Every kind, in write order.
    static let allKinds = coveredKinds + [checkpointKind]

    var cdr: ChainOutput
    var attempt: ChainOutput
    var bidlog: ChainOutput
    var audit: ChainOutput
    var checkpoint: ChainOutput
    /// Held while the files are open; released with them.
    var directoryLock: DataDirectoryLock?
    /// Rotations since the writer last took them, for its observer.
    var rotationEvents: [RotationEvent] = []

    /// The chains over their current files. With a rotating `rotation` each chain's folder is cleared of empty
    /// `next` files a crash left behind, and a new `next` is pre-created (or, failing that, at the first rotation).
    init(
        cdr: ChainOutput,
        attempt: ChainOutput,
        bidlog: ChainOutput,
        audit: ChainOutput,
        checkpoint: ChainOutput,
        rotation: RotationPolicy = .never,
        directoryLock: DataDirectoryLock? = nil
    ) {
        self.cdr = cdr
        self.attempt = attempt
        self.bidlog = bidlog
        self.audit = audit
        self.checkpoint = checkpoint
        self.directoryLock = directoryLock
        guard rotation.rotates else { return }
        // One closer for the four chains: its serial queue is the only other thread touching their files.
        let closer = FileCloser()
        Self.prepare(&self.cdr, rotation: rotation, closer: closer)
        Self.prepare(&self.attempt, rotation: rotation, closer: closer)
        Self.prepare(&self.bidlog, rotation: rotation, closer: closer)
        Self.prepare(&self.audit, rotation: rotation, closer: closer)
        Self.prepare(&self.checkpoint, rotation: rotation, closer: closer)
    }

    private static func prepare(_ output: inout ChainOutput, rotation: RotationPolicy, closer: FileCloser) {
        output.rotation = rotation
        output.closer = closer
        let directory = LedgerFileHandle.directory(of: output.file.path)
        LedgerFileHandle.removeStaleNextFiles(in: directory)
        // A failure here is not fatal: the first rotation creates the file itself.
        try? closer.prepareNextNow(in: directory, kind: output.chain.kind)
    }

    /// Size and root of every covered chain now.
    var heads: [String: ChainHead] {
        [
            CallDetailRecord.kind: cdr.merkle.head,
            AttemptRecord.kind: attempt.merkle.head,
            BidLogRecord.kind: bidlog.merkle.head,
            Self.auditKind: audit.merkle.head,
        ]
    }

    /// The last durable `seq` of every chain, by kind.
    var durableSequences: [String: UInt64] {
        [
            CallDetailRecord.kind: cdr.durableSeq,
            AttemptRecord.kind: attempt.durableSeq,
            BidLogRecord.kind: bidlog.durableSeq,
            Self.auditKind: audit.durableSeq,
            Self.checkpointKind: checkpoint.durableSeq,
        ]
    }

    /// Keeps the sealed lines of the chains named in `kinds` for `takeDurableLines`, and no longer those of others.
    mutating func keepSealedLines(of kinds: Set<String>) {
        Self.keepSealedLines(&cdr, kinds)
        Self.keepSealedLines(&attempt, kinds)
        Self.keepSealedLines(&bidlog, kinds)
        Self.keepSealedLines(&audit, kinds)
        Self.keepSealedLines(&checkpoint, kinds)
    }

    /// The kept lines that are durable now, one entry per chain that has any.
    mutating func takeDurableLines() -> [DurableLines] {
        [cdr.takeDurableLines(), attempt.takeDurableLines(), bidlog.takeDurableLines(), audit.takeDurableLines(), checkpoint.takeDurableLines()]
            .compactMap { $0 }
    }

    private static func keepSealedLines(_ output: inout ChainOutput, _ kinds: Set<String>) {
        if !kinds.contains(output.chain.kind) {
            output.sealedLines = nil
        } else if output.sealedLines == nil {
            output.sealedLines = SealedLineBuffer()
        }
    }

    /// Whether any chain has bytes not yet written.
    var hasBufferedBytes: Bool {
        !cdr.buffer.isEmpty || !attempt.buffer.isEmpty || !bidlog.buffer.isEmpty || !audit.buffer.isEmpty || !checkpoint.buffer.isEmpty
    }

    /// Writes every buffer in order (the checkpoint last); on failure what is unwritten stays buffered.
    mutating func writeBuffers() throws(RecordSinkError) {
        try Self.write(&cdr)
        try Self.write(&attempt)
        try Self.write(&bidlog)
        try Self.write(&audit)
        try Self.write(&checkpoint)
    }

    /// Syncs every file written since its last sync, then rotates the files that are due; returns the failures
    /// (they are reported, not retried), including those the closer met since the last call.
    mutating func syncWritten() -> [RecordSinkError] {
        var errors: [RecordSinkError] = []
        Self.sync(&cdr, errors: &errors, events: &rotationEvents)
        Self.sync(&attempt, errors: &errors, events: &rotationEvents)
        Self.sync(&bidlog, errors: &errors, events: &rotationEvents)
        Self.sync(&audit, errors: &errors, events: &rotationEvents)
        Self.sync(&checkpoint, errors: &errors, events: &rotationEvents)
        if let closer = cdr.closer {
            errors += closer.takeErrors()
            closer.retryPendingManifests()
        }
        return errors
    }

    /// Closes the four files with their manifests, then releases the data directory. Returns what failed.
    @discardableResult
    func closeFiles() -> [RecordSinkError] {
        let errors = cdr.closeFiles() + attempt.closeFiles() + bidlog.closeFiles() + audit.closeFiles() + checkpoint.closeFiles()
        directoryLock?.release()
        return errors
    }

    private static func write(_ output: inout ChainOutput) throws(RecordSinkError) {
        guard !output.buffer.isEmpty else { return }
        output.needsSync = true
        try output.file.writeAll(&output.buffer)
    }

    private static func sync(_ output: inout ChainOutput, errors: inout [RecordSinkError], events: inout [RotationEvent]) {
        do {
            if output.needsSync {
                output.needsSync = false
                try output.sync()
            }
            // Also on a quiet cycle, so `rotate_max_age_s` closes a file even when no record arrives.
            if let event = try output.rotateIfDue() {
                events.append(event)
            }
        } catch {
            errors.append(error)
        }
    }
}
