#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Ledger
import Records

/// One chain as the writer thread owns it: its current file, its position, its Merkle root and the bytes not
/// yet written. With a rotation policy, the pre-created `next` file and the closing of old files live in a
/// `FileCloser` off the writer thread.
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
    /// Closes rotated files and pre-creates `next` files; nil while the chain does not rotate.
    var closer: FileCloser?
    /// What the current file holds: its manifest when it is closed.
    var contents = FileContents()
    /// The current file got its name since the directory was last synced: the next sync makes the name durable
    /// before the file's records count as written (a crash must not leave them under the hidden `next` name).
    var nameNeedsDirectorySync = false
    /// The `seq` of the last record known to be on disk (written and fsynced, its file's name durable); 0 for none.
    private(set) var durableSeq: UInt64 = 0
    /// The last sync of the current file failed: it is not closed until a later sync succeeds.
    var lastSyncFailed = false
    /// Sealed lines kept for a durable-lines observer (`RecordWriter`); nil while nobody wants them.
    var sealedLines: SealedLineBuffer?

    init(file: any RecordFile, chain: HashChain, merkle: CompactMerkleRoot = CompactMerkleRoot()) {
        self.file = file
        self.chain = chain
        self.merkle = merkle
        // What recovery found on disk is durable: it was read back from the files.
        self.durableSeq = chain.position.nextSeq - 1
    }

    /// Seals `fields` as the chain's next record, buffers its line and adds its hash to the tree.
    mutating func append(_ fields: [String: CanonicalJSON], sign: ((_ unsignedCanonicalBytes: [UInt8]) -> String)? = nil) {
        let prevHash = chain.position.lastHash
        let sealed = chain.seal(fields, sign: sign)
        buffer.append(contentsOf: sealed.line)
        sealedLines?.add(seq: sealed.seq, line: sealed.line)
        merkle.append(recordHash: sealed.hash)
        // Every file gets a manifest when it is closed. Rotation happens only with an empty buffer, so every
        // buffered line lands in the current file.
        contents.add(seq: sealed.seq, prevHash: prevHash, hash: sealed.hash, line: sealed.line)
    }

    /// Seals `record` as the chain's next record, written straight into its line (`HashChain.seal(record:)`),
    /// buffers the line and adds its hash to the tree. Returns the keys of the record's own members the chain
    /// fields replaced with another value.
    mutating func append(record: some CanonicalRecord) -> [String] {
        let prevHash = chain.position.lastHash
        let (sealed, replacedKeys) = chain.seal(record: record)
        buffer.append(contentsOf: sealed.line)
        sealedLines?.add(seq: sealed.seq, line: sealed.line)
        merkle.append(recordHash: sealed.hash)
        contents.add(seq: sealed.seq, prevHash: prevHash, hash: sealed.hash, line: sealed.line)
        return replacedKeys
    }

    /// The lines sealed since the last call that are durable now; nil while lines are not kept or none is new.
    mutating func takeDurableLines() -> DurableLines? {
        guard let lines = sealedLines?.take(upTo: durableSeq), !lines.isEmpty else { return nil }
        return DurableLines(node: chain.nodeID, kind: chain.kind, lines: lines)
    }

    /// Syncs the current file (and its directory after a rotation); a failure leaves the file open and current.
    mutating func sync() throws(RecordSinkError) {
        lastSyncFailed = true
        try file.sync()
        if nameNeedsDirectorySync {
            try LedgerFileHandle.syncDirectory(LedgerFileHandle.directory(of: file.path))
            nameNeedsDirectorySync = false
        }
        lastSyncFailed = false
        // Called with everything sealed so far written (the buffer is empty after a successful write).
        if buffer.isEmpty {
            durableSeq = chain.position.nextSeq - 1
        }
    }

    /// Swaps `next` into place when the current file is due (everything in it synced, buffer empty) and
    /// hands the old file to the closer. A failed rotation keeps the current file, so records are never written
    /// where recovery would not find them.
    mutating func rotateIfDue() throws(RecordSinkError) -> RotationEvent? {
        guard let closer, rotation.rotates, buffer.isEmpty, !needsSync, !lastSyncFailed, contents.count > 0,
              rotation.isDue(records: contents.count, bytes: contents.bytes, age: .now - contents.openedAt)
        else { return nil }
        let directory = LedgerFileHandle.directory(of: file.path)

        // The swap: the only step between two records of the chain. It takes the pre-opened file (made now only
        // when the closer has not caught up) and gives it its final name before any record goes in, so a record
        // is never written to a file verifiers skip.
        let started = ContinuousClock.now
        let prepared: LedgerFileHandle
        if let ready = closer.takeNext(in: directory) {
            prepared = ready
        } else {
            prepared = try LedgerFileHandle.createNext(in: directory, kind: chain.kind, stamp: FileCloser.stamp())
        }
        let named: LedgerFileHandle
        do throws(RecordSinkError) {
            named = try prepared.renamed(to: "\(chain.kind)-\(chain.nodeID)-\(FileCloser.stamp())-\(chain.position.nextSeq).jsonl")
        } catch {
            prepared.close()
            _ = unlink(prepared.path)
            throw error
        }
        let old = file
        let oldContents = contents
        file = named
        contents = FileContents(openedAt: started)
        nameNeedsDirectorySync = true
        let swap = ContinuousClock.now - started

        closer.close(old, manifest: manifest(forFile: old.path, contents: oldContents))
        closer.prepareNext(in: directory, kind: chain.kind)
        return RotationEvent(kind: chain.kind, closedFile: old.path, currentFile: named.path, records: oldContents.count, swap: swap)
    }

    /// Closes the current file at shutdown with its manifest (the next start opens a new file); a rotating
    /// chain first lets its closer finish. Returns what failed.
    func closeFiles() -> [RecordSinkError] {
        var errors = closer?.finish() ?? []
        file.close()
        // A file that became current at the last rotation and got no record is removed, not left empty.
        if contents.count == 0 && buffer.isEmpty && closer != nil {
            _ = unlink(file.path)
            return errors
        }
        if let manifest = manifest(forFile: file.path, contents: contents) {
            do {
                try LedgerFileHandle.writeAtomically(manifest.bytes, directory: manifest.directory, name: manifest.name)
            } catch {
                errors.append(error)
            }
        }
        return errors
    }

    private func manifest(forFile path: String, contents: FileContents) -> PendingManifest? {
        let name = LedgerFileHandle.fileName(of: path)
        guard let bytes = FileManifest.bytes(fileName: name, kind: chain.kind, nodeID: chain.nodeID, contents: contents) else {
            return nil
        }
        return PendingManifest(directory: LedgerFileHandle.directory(of: path), name: name + FileManifest.suffix, bytes: bytes)
    }
}
