public import Ledger
public import Records

/// The node's own CDRs for a set of receipt GUIDs, found by streaming `DATA/cdr/` in chain order, with the
/// Merkle tree of the records read (for inclusion proofs).
public struct ReceiptRecordIndex: Sendable {
    /// One CDR found for a receipt.
    public struct Entry: Sendable, Equatable {
        /// The line exactly as written (without `\n`).
        public let line: String
        /// Its `seq` in the cdr chain.
        public let seq: UInt64
        /// Its chain hash.
        public let hash: LedgerHash
        /// The parsed record, `hash` included.
        public let fields: [String: CanonicalJSON]
    }

    /// The first CDR per receipt GUID asked for; GUIDs without one are absent.
    public let entries: [String: Entry]
    /// The Merkle tree over every cdr record read (the first `limit`, or the whole chain).
    public let tree: MerkleTree

    /// Streams the first `limit` records of the cdr chain under `dataDirectory` (each checked as `sipswarm verify`
    /// checks chains) and keeps those whose `receipt.guid` is in `receipts`.
    public static func build(dataDirectory: String, receipts: Set<String>, limit: UInt64 = .max) throws(ReconcileError) -> ReceiptRecordIndex {
        var entries: [String: Entry] = [:]
        var tree = MerkleTree()
        let parser = CanonicalJSONParser()
        do {
            try LedgerVerifier(dataDirectory: dataDirectory).forEachRecord(kind: CallDetailRecord.kind, limit: limit) { line, seq, hash in
                tree.append(recordHash: hash)
                guard !receipts.isEmpty, ReceiptGUIDScan.mayName(line, oneOf: receipts),
                      case .object(let fields)? = try? parser.parse(line),
                      case .object(let receipt)? = fields["receipt"], case .string(let guid)? = receipt["guid"],
                      receipts.contains(guid), entries[guid] == nil
                else {
                    return
                }
                entries[guid] = Entry(line: String(decoding: line, as: UTF8.self), seq: seq, hash: hash, fields: fields)
            }
        } catch {
            throw ReconcileError(.ledgerBroken, "the cdr chain does not verify: \(error)")
        }
        return ReceiptRecordIndex(entries: entries, tree: tree)
    }
}

/// A cheap test before a CDR line is parsed: does any `"guid":"…"` in it hold one of the wanted values?
///
/// Never misses: every `"guid"` member is looked at, and a value written with escapes counts as a possible match,
/// so the full parse decides. Canonical JSON escapes quotes inside strings, so `"guid":"` only occurs as a member.
enum ReceiptGUIDScan {
    private static let marker = Array("\"guid\":\"".utf8)

    static func mayName(_ line: UnsafeBufferPointer<UInt8>, oneOf receipts: Set<String>) -> Bool {
        var index = 0
        while let start = find(marker, in: line, from: index) {
            var end = start + marker.count
            var escaped = false
            while end < line.count, line[end] != UInt8(ascii: "\"") {
                if line[end] == UInt8(ascii: "\\") {
                    escaped = true
                    end += 2
                } else {
                    end += 1
                }
            }
            guard end < line.count else { return true }
            if escaped || receipts.contains(String(decoding: UnsafeBufferPointer(rebasing: line[(start + marker.count)..<end]), as: UTF8.self)) {
                return true
            }
            index = end
        }
        return false
    }

    private static func find(_ pattern: [UInt8], in line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = pattern.first, line.count >= pattern.count else { return nil }
        var position = start
        while position + pattern.count <= line.count {
            if line[position] == first, pattern.indices.allSatisfy({ line[position + $0] == pattern[$0] }) {
                return position
            }
            position += 1
        }
        return nil
    }
}
