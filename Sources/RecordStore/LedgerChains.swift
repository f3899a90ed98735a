import Foundation
import Ledger
import Records

/// One chain as the writer thread owns it: its current file (and, when it rotates, the pre-opened next one),
/// its position, its Merkle root and the bytes not yet written.
struct ChainOutput: Sendable {
    /// The file records are appended to now.
    private(set) var file: any RecordFile
    var chain: HashChain
    var merkle: CompactMerkleRoot
    var buffer: [UInt8] = []
    // Bytes were written since the last fsync.
    var needsSync = false

    /// When the current file is closed and `next` takes over; `.never` keeps one file.
    var rotation = RotationPolicy.never
    /// The pre-created, already open file that becomes current at the next rotation.
    var next: LedgerFileHandle?
    /// What the current file holds: its manifest when it is closed.
    var contents = FileContents()
    /// Closed files whose manifest could not be written yet: retried after the next sync.
    var pendingManifests: [(directory: String, name: String, bytes: [UInt8])] = []
    /// Rotations done so far, and how long the last swap of `current` and `next` took.
    var rotations = 0
    var lastSwap: Duration?

    init(file: any RecordFile, chain: HashChain, merkle: CompactMerkleRoot = CompactMerkleRoot()) {
        self.file = file
        self.chain = chain
        self.merkle = merkle
    }

    /// Seals `fields` as the chain's next record, buffers its line and adds its hash to the tree.
    mutating func append(_ fields: [String: CanonicalJSON], sign: ((_ unsignedCanonicalBytes: [UInt8]) -> String)? = nil) {
        let prevHash = chain.position.lastHash
        let sealed = chain.seal(fields, sign: sign)
        buffer.append(contentsOf: sealed.line)
        merkle.append(recordHash: sealed.hash)
        // Rotation happens only with an empty buffer, so every buffered line lands in the current file.
        if rotation.rotates {
            contents.add(sealed, prevHash: prevHash)
        }
    }

    /// Swaps `next` into place when the current file is due (called after a successful sync, buffer empty),
    /// then closes the old file: manifest beside it, a new `next` pre-created. Failures are returned; a failed
    /// rotation keeps the current file, so records are never written where recovery would not find them.
    mutating func rotateIfDue(errors: inout [RecordSinkError]) {
        retryPendingManifests(errors: &errors)
        guard rotation.rotates, buffer.isEmpty,
              rotation.isDue(records: contents.count, bytes: contents.bytes, age: .now - contents.openedAt)
        else { return }
        let directory = LedgerFileHandle.directory(of: file.path)
        do throws(RecordSinkError) {
            let prepared: LedgerFileHandle
            if let next {
                prepared = next
            } else {
                prepared = try LedgerFileHandle.createNext(in: directory, kind: chain.kind, stamp: Self.stamp())
            }
            next = nil
            // The final name before any record goes in: a record is never written to a file verifiers skip.
            let named: LedgerFileHandle
            do throws(RecordSinkError) {
                named = try prepared.renamed(to: "\(chain.kind)-\(chain.nodeID)-\(Self.stamp())-\(chain.position.nextSeq).jsonl")
            } catch {
                next = prepared
                throw error
            }

            // The swap: the only step between two records of the chain.
            let started = ContinuousClock.now
            let old = file
            let oldContents = contents
            file = named
            contents = FileContents(openedAt: started)
            lastSwap = .now - started
            rotations += 1

            close(old, contents: oldContents, errors: &errors)
        } catch {
            errors.append(error)
            return
        }
        do {
            next = try LedgerFileHandle.createNext(in: directory, kind: chain.kind, stamp: Self.stamp())
        } catch {
            // Retried at the next rotation; until then the current file simply grows.
            errors.append(error)
        }
    }

    /// Closes `old` (already synced) and writes its manifest atomically; the directory sync also makes the
    /// new current file's name durable.
    private mutating func close(_ old: any RecordFile, contents: FileContents, errors: inout [RecordSinkError]) {
        old.close()
        let directory = LedgerFileHandle.directory(of: old.path)
        let name = LedgerFileHandle.fileName(of: old.path)
        guard let bytes = FileManifest.bytes(fileName: name, kind: chain.kind, nodeID: chain.nodeID, contents: contents) else {
            return
        }
        do {
            try LedgerFileHandle.writeAtomically(bytes, directory: directory, name: name + FileManifest.suffix)
        } catch {
            errors.append(error)
            pendingManifests.append((directory, name + FileManifest.suffix, bytes))
            do {
                try LedgerFileHandle.syncDirectory(directory)
            } catch {
                errors.append(error)
            }
        }
    }

    private mutating func retryPendingManifests(errors: inout [RecordSinkError]) {
        guard !pendingManifests.isEmpty else { return }
        var left: [(directory: String, name: String, bytes: [UInt8])] = []
        for manifest in pendingManifests {
            do {
                try LedgerFileHandle.writeAtomically(manifest.bytes, directory: manifest.directory, name: manifest.name)
            } catch {
                errors.append(error)
                left.append(manifest)
            }
        }
        pendingManifests = left
    }

    /// Closes the files at shutdown: a rotating chain's last file gets its manifest (the next start opens a new
    /// file), the unused `next` is removed.
    func closeFiles() {
        file.close()
        if let next {
            next.close()
            _ = unlink(next.path)
        }
        guard rotation.rotates else { return }
        for manifest in pendingManifests {
            try? LedgerFileHandle.writeAtomically(manifest.bytes, directory: manifest.directory, name: manifest.name)
        }
        // A file that became current at the last rotation and got no record is removed, not left empty.
        if contents.count == 0 && buffer.isEmpty {
            _ = unlink(file.path)
            return
        }
        let name = LedgerFileHandle.fileName(of: file.path)
        if let bytes = FileManifest.bytes(fileName: name, kind: chain.kind, nodeID: chain.nodeID, contents: contents) {
            try? LedgerFileHandle.writeAtomically(bytes, directory: LedgerFileHandle.directory(of: file.path), name: name + FileManifest.suffix)
        }
    }

    private static func stamp() -> String {
        UTCTimestamp.compact(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }
}

/// The four chains of a node, in the order their bytes are written: the checkpoint last, after what it covers.
struct LedgerChains: Sendable {
    /// The kinds a checkpoint covers.
    static let coveredKinds = [CallDetailRecord.kind, AttemptRecord.kind, LedgerChains.auditKind]
    /// The kind of audit records.
    static let auditKind = "audit"
    /// The kind of checkpoint records.
    static let checkpointKind = "checkpoint"
    /// Every kind, in write order.
    static let allKinds = coveredKinds + [checkpointKind]

    var cdr: ChainOutput
    var attempt: ChainOutput
    var audit: ChainOutput
    var checkpoint: ChainOutput
    /// Held while the files are open; released with them.
    var directoryLock: DataDirectoryLock?

    /// The chains over their current files. With a rotating `rotation` each chain's folder is cleared of empty
    /// `next` files a crash left behind, and a new `next` is pre-created (or, failing that, at the first rotation).
    init(
        cdr: ChainOutput,
        attempt: ChainOutput,
        audit: ChainOutput,
        checkpoint: ChainOutput,
        rotation: RotationPolicy = .never,
        directoryLock: DataDirectoryLock? = nil
    ) {
        self.cdr = cdr
        self.attempt = attempt
        self.audit = audit
        self.checkpoint = checkpoint
        self.directoryLock = directoryLock
        guard rotation.rotates else { return }
        Self.prepare(&self.cdr, rotation: rotation)
        Self.prepare(&self.attempt, rotation: rotation)
        Self.prepare(&self.audit, rotation: rotation)
        Self.prepare(&self.checkpoint, rotation: rotation)
    }

    private static func prepare(_ output: inout ChainOutput, rotation: RotationPolicy) {
        output.rotation = rotation
        let directory = LedgerFileHandle.directory(of: output.file.path)
        LedgerFileHandle.removeStaleNextFiles(in: directory)
        let stamp = UTCTimestamp.compact(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        output.next = try? LedgerFileHandle.createNext(in: directory, kind: output.chain.kind, stamp: stamp)
    }

    /// Size and root of every covered chain now.
    var heads: [String: ChainHead] {
        [
            CallDetailRecord.kind: cdr.merkle.head,
            AttemptRecord.kind: attempt.merkle.head,
            Self.auditKind: audit.merkle.head,
        ]
    }

    /// Whether any chain has bytes not yet written.
    var hasBufferedBytes: Bool {
        !cdr.buffer.isEmpty || !attempt.buffer.isEmpty || !audit.buffer.isEmpty || !checkpoint.buffer.isEmpty
    }

    /// Writes every buffer in order (the checkpoint last); on failure what is unwritten stays buffered.
    mutating func writeBuffers() throws(RecordSinkError) {
        try Self.write(&cdr)
        try Self.write(&attempt)
        try Self.write(&audit)
        try Self.write(&checkpoint)
    }

    /// Syncs every file written since its last sync, then rotates the files that are due; returns the failures
    /// (they are reported, not retried).
    mutating func syncWritten() -> [RecordSinkError] {
        var errors: [RecordSinkError] = []
        Self.sync(&cdr, errors: &errors)
        Self.sync(&attempt, errors: &errors)
        Self.sync(&audit, errors: &errors)
        Self.sync(&checkpoint, errors: &errors)
        return errors
    }

    /// Closes the four files, then releases the data directory.
    func closeFiles() {
        cdr.closeFiles()
        attempt.closeFiles()
        audit.closeFiles()
        checkpoint.closeFiles()
        directoryLock?.release()
    }

    private static func write(_ output: inout ChainOutput) throws(RecordSinkError) {
        guard !output.buffer.isEmpty else { return }
        output.needsSync = true
        try output.file.writeAll(&output.buffer)
    }

    private static func sync(_ output: inout ChainOutput, errors: inout [RecordSinkError]) {
        guard output.needsSync else { return }
        output.needsSync = false
        do {
            try output.file.sync()
        } catch {
            errors.append(error)
            return
        }
        // Only after a successful sync: a file is closed only when everything in it is durable.
        output.rotateIfDue(errors: &errors)
    }
}
