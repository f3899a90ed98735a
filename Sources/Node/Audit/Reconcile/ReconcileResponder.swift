import Ledger
import Records

/// Answers a peer's `ReconcileRequest` from the node's own data directory.
///
/// Proofs are against the latest durable checkpoint (the last complete line of the checkpoint chain), the only
/// state of the cdr tree the node has signed; a CDR written after it is `missing` until the next checkpoint.
/// Reads the files while the node writes them: only the records the checkpoint covers are read.
public enum ReconcileResponder {
    /// The answer to `request` from the ledger under `dataDirectory`; throws `noCheckpoint` or `ledgerBroken`.
    public static func answer(_ request: ReconcileRequest, dataDirectory: String) throws(ReconcileError) -> ReconcileAnswer {
        let checkpointLine = try latestCheckpoint(dataDirectory: dataDirectory)
        let checkpoint: CheckpointStatement
        do {
            checkpoint = try CheckpointStatement(line: checkpointLine)
        } catch {
            throw ReconcileError(.ledgerBroken, "the latest checkpoint does not read: \(error)")
        }
        let head = checkpoint.heads[CallDetailRecord.kind] ?? .empty
        let index = try ReceiptRecordIndex.build(dataDirectory: dataDirectory, receipts: Set(request.receipts), limit: head.size)
        guard index.tree.size == head.size, index.tree.root == head.root else {
            throw ReconcileError(
                .ledgerBroken,
                "the cdr chain (\(index.tree.size) records read) does not give the latest checkpoint's root over \(head.size)"
            )
        }

        let found = request.receipts.filter { index.entries[$0] != nil }
        let missing = request.receipts.filter { index.entries[$0] == nil }
        var records: [ReconcileAnswer.Record] = []
        var deferred: [String] = []
        for (position, guid) in found.enumerated() {
            guard let entry = index.entries[guid] else { continue }
            let proof: [LedgerHash]
            do {
                proof = try index.tree.inclusionProof(index: entry.seq - 1, size: head.size)
            } catch {
                throw ReconcileError(.ledgerBroken, "no inclusion proof for cdr seq \(entry.seq): \(error)")
            }
            let record = ReconcileAnswer.Record(receipt: guid, line: entry.line, seq: entry.seq, proof: proof)
            // Measured with every receipt still undecided counted as deferred, so the final answer fits too.
            let trial = ReconcileAnswer(
                checkpoint: checkpointLine, records: records + [record], missing: missing,
                deferred: deferred + found[(position + 1)...]
            )
            if trial.encoded().count <= ReconcileAnswer.maximumBodyBytes {
                records.append(record)
            } else {
                deferred.append(guid)
            }
        }
        return ReconcileAnswer(checkpoint: checkpointLine, records: records, missing: missing, deferred: deferred)
    }

    /// The last complete line of the checkpoint chain.
    static func latestCheckpoint(dataDirectory: String) throws(ReconcileError) -> String {
        var latest: String?
        do {
            try LedgerVerifier(dataDirectory: dataDirectory).forEachRecord(kind: LedgerVerifier.checkpointKind) { line, _, _ in
                latest = String(decoding: line, as: UTF8.self)
            }
        } catch {
            throw ReconcileError(.ledgerBroken, "the checkpoint chain does not verify: \(error)")
        }
        guard let latest else {
            throw ReconcileError(.noCheckpoint, "no checkpoint under \(dataDirectory) yet")
        }
        return latest
    }
}
