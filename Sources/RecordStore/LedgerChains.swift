import Ledger
import Records

/// One chain as the writer thread owns it: its file, its position, its Merkle root and the bytes not yet written.
struct ChainOutput: Sendable {
    let file: any RecordFile
    var chain: HashChain
    var merkle: CompactMerkleRoot
    var buffer: [UInt8] = []
    // Bytes were written since the last fsync.
    var needsSync = false

    init(file: any RecordFile, chain: HashChain, merkle: CompactMerkleRoot = CompactMerkleRoot()) {
        self.file = file
        self.chain = chain
        self.merkle = merkle
    }

    /// Seals `fields` as the chain's next record, buffers its line and adds its hash to the tree.
    mutating func append(_ fields: [String: CanonicalJSON], sign: ((_ unsignedCanonicalBytes: [UInt8]) -> String)? = nil) {
        let sealed = chain.seal(fields, sign: sign)
        buffer.append(contentsOf: sealed.line)
        merkle.append(recordHash: sealed.hash)
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

    /// Syncs every file written since its last sync; returns the failures (they are reported, not retried).
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
        cdr.file.close()
        attempt.file.close()
        audit.file.close()
        checkpoint.file.close()
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
        }
    }
}
