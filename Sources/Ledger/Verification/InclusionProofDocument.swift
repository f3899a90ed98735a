internal import Foundation
public import Records

/// A self-contained proof that one record is in its node's ledger: the record, an RFC 9162
/// inclusion proof of its hash, and the signed checkpoint whose root the proof reaches.
///
/// A third party checks it with the record, the checkpoint and the node's public key alone:
/// the record's `hash` recomputes, the audit path leads from leaf `seq - 1` to `root` at
/// `tree_size`, the checkpoint's signature verifies and its `chains[kind]` is that size and root.
/// (Lookup by receipt GUID comes with receipts, issue 5.)
public struct InclusionProofDocument: Sendable, Equatable {
    /// The value of the document's `format` member.
    public static let format = "sipswarm-inclusion-proof-1"

    /// The record, `hash` included.
    public let record: [String: CanonicalJSON]
    /// The record's 0-based leaf index: `seq - 1`.
    public let leafIndex: UInt64
    /// The size of the tree the proof is against: the checkpoint's size for the record's chain.
    public let treeSize: UInt64
    /// The Merkle root at `treeSize`, as in the checkpoint.
    public let root: LedgerHash
    /// The RFC 9162 inclusion proof, leaf to root.
    public let auditPath: [LedgerHash]
    /// The checkpoint record, `signature` and `hash` included.
    public let checkpoint: [String: CanonicalJSON]

    /// A document from its parts (no checks; see `verify`).
    public init(
        record: [String: CanonicalJSON], leafIndex: UInt64, treeSize: UInt64, root: LedgerHash, auditPath: [LedgerHash],
        checkpoint: [String: CanonicalJSON]
    ) {
        self.record = record
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.root = root
        self.auditPath = auditPath
        self.checkpoint = checkpoint
    }

    /// The document as JSON: `format`, `record`, `leaf_index`, `tree_size`, `root`, `audit_path` (hex), `checkpoint`.
    public func canonicalJSON() -> CanonicalJSON {
        .object([
            "format": .string(Self.format),
            "record": .object(record),
            // Leaf counts stay far below 2^53, the range RFC 8785 integers keep exactly.
            "leaf_index": .integer(Int64(clamping: leafIndex)),
            "tree_size": .integer(Int64(clamping: treeSize)),
            "root": .string(root.hex),
            "audit_path": .array(auditPath.map { .string($0.hex) }),
            "checkpoint": .object(checkpoint),
        ])
    }

    /// Reads a document from its JSON (as `canonicalJSON()` writes it; whitespace allowed).
    public init(json bytes: some Collection<UInt8>) throws(InclusionProofError) {
        let value: CanonicalJSON
        do {
            value = try CanonicalJSONParser().parse(bytes)
        } catch {
            throw InclusionProofError(.malformedDocument, "not JSON: \(error)")
        }
        guard case .object(let object) = value else { throw InclusionProofError(.malformedDocument, "not a JSON object") }
        guard case .string(Self.format)? = object["format"] else {
            throw InclusionProofError(.malformedDocument, "format is not \"\(Self.format)\"")
        }
        guard case .object(let record)? = object["record"], case .object(let checkpoint)? = object["checkpoint"] else {
            throw InclusionProofError(.malformedDocument, "record or checkpoint missing")
        }
        guard case .integer(let leafIndex)? = object["leaf_index"], leafIndex >= 0,
              case .integer(let treeSize)? = object["tree_size"], treeSize >= 0
        else {
            throw InclusionProofError(.malformedDocument, "leaf_index or tree_size missing or negative")
        }
        guard case .string(let rootText)? = object["root"], let root = LedgerHash(hex: rootText) else {
            throw InclusionProofError(.malformedDocument, "root is not 64 lower-case hex characters")
        }
        guard case .array(let pathValues)? = object["audit_path"] else {
            throw InclusionProofError(.malformedDocument, "audit_path missing")
        }
        var auditPath: [LedgerHash] = []
        for value in pathValues {
            guard case .string(let text) = value, let hash = LedgerHash(hex: text) else {
                throw InclusionProofError(.malformedDocument, "audit_path holds something other than 64 lower-case hex characters")
            }
            auditPath.append(hash)
        }
        self.init(
            record: record, leafIndex: UInt64(leafIndex), treeSize: UInt64(treeSize), root: root, auditPath: auditPath,
            checkpoint: checkpoint
        )
    }

    /// Checks the document; when `trustedPublicKeyBase64` is given, the checkpoint must be signed by that key.
    public func verify(trustedPublicKeyBase64: String? = nil) throws(InclusionProofError) {
        guard case .string(let kind)? = record["kind"], case .integer(let seq)? = record["seq"],
              case .string(let hashText)? = record["hash"], let recordHash = LedgerHash(hex: hashText)
        else {
            throw InclusionProofError(.malformedDocument, "the record lacks kind, seq or hash")
        }
        var unhashed = record
        unhashed.removeValue(forKey: "hash")
        guard RecordHashing.hash(of: unhashed) == recordHash else {
            throw InclusionProofError(.recordHashMismatch, "the record's hash does not recompute: the record was altered")
        }
        guard seq >= 1, UInt64(seq) - 1 == leafIndex else {
            throw InclusionProofError(.inclusionInvalid, "leaf_index \(leafIndex) is not seq \(seq) - 1")
        }
        let leaf = MerkleHashing.leafHash(recordHash)
        guard MerkleProofs.verifyInclusion(leafIndex: leafIndex, treeSize: treeSize, leafHash: leaf, proof: auditPath, root: root) else {
            throw InclusionProofError(.inclusionInvalid, "the audit path does not lead from the record to the root at size \(treeSize)")
        }

        guard case .string(let checkpointHashText)? = checkpoint["hash"], let checkpointHash = LedgerHash(hex: checkpointHashText) else {
            throw InclusionProofError(.checkpointInvalid, "the checkpoint has no hash")
        }
        var checkpointUnhashed = checkpoint
        checkpointUnhashed.removeValue(forKey: "hash")
        guard RecordHashing.hash(of: checkpointUnhashed) == checkpointHash else {
            throw InclusionProofError(.checkpointInvalid, "the checkpoint's hash does not recompute")
        }
        guard case .string(LedgerVerifier.checkpointKind)? = checkpoint["kind"] else {
            throw InclusionProofError(.checkpointInvalid, "the checkpoint record is not of kind checkpoint")
        }
        guard CheckpointFields.verifySignature(checkpoint) else {
            throw InclusionProofError(.checkpointInvalid, "the checkpoint's signature does not verify")
        }
        if let trustedPublicKeyBase64 {
            guard let trusted = Data(base64Encoded: trustedPublicKeyBase64), let key = CheckpointFields.publicKey(of: checkpoint),
                  Array(trusted) == key
            else {
                throw InclusionProofError(.keyMismatch, "the checkpoint is not signed by the trusted key")
            }
        }
        guard record["node"] != nil, record["node"] == checkpoint["node"] else {
            throw InclusionProofError(.checkpointMismatch, "the checkpoint is from another node than the record")
        }
        guard case .object(let chains)? = checkpoint["chains"], let listed = chains[kind].flatMap(LedgerVerifier.chainHead) else {
            throw InclusionProofError(.checkpointMismatch, "the checkpoint does not list the \(kind) chain")
        }
        guard listed.size == treeSize, listed.root == root else {
            throw InclusionProofError(.checkpointMismatch, "the checkpoint's \(kind) head is not tree_size \(treeSize) with this root")
        }
    }
}

extension InclusionProofDocument {
    /// Which record to prove.
    public enum Target: Sendable, Hashable {
        /// The record with this `seq` in the chain of this kind.
        case seq(kind: String, seq: UInt64)
        /// The `cdr` record whose `id` is this.
        case cdrID(String)
    }

    /// Builds the proof for `target` from a data directory, against the latest checkpoint that covers the record.
    /// Reads the checkpoint chain and the record's chain (checking both as it goes) and keeps that chain's Merkle tree in memory.
    public static func build(dataDirectory: String, target: Target) throws(InclusionProofError) -> InclusionProofDocument {
        let verifier = LedgerVerifier(dataDirectory: dataDirectory)
        let kind: String
        switch target {
        case .seq(let targetKind, _):
            kind = targetKind
        case .cdrID:
            kind = "cdr"
        }
        guard kind != LedgerVerifier.checkpointKind, verifier.isDirectory(kind) else {
            throw InclusionProofError(.recordNotFound, "no \(kind) chain in \(dataDirectory)")
        }
        let checkpoints: [CheckpointEntry]
        var tree = MerkleTree()
        var found: [UInt8]?
        do {
            checkpoints = verifier.isDirectory(LedgerVerifier.checkpointKind)
                ? try verifier.scanChain(kind: LedgerVerifier.checkpointKind, wantedSizes: [], collectObjects: true).checkpoints
                : []
            let idPattern: [UInt8]? = switch target {
            case .cdrID(let id): Array("\"id\":".utf8) + CanonicalJSON.string(id).canonicalBytes()
            case .seq: nil
            }
            _ = try verifier.scanChain(kind: kind, wantedSizes: [], collectObjects: false) { line, seq, hash in
                tree.append(recordHash: hash)
                guard found == nil else { return }
                switch target {
                case .seq(_, let wanted):
                    if UInt64(seq) == wanted { found = Array(line) }
                case .cdrID(let id):
                    if let idPattern, contains(line, idPattern), Self.topLevelString("id", in: line) == id { found = Array(line) }
                }
            }
        } catch {
            throw InclusionProofError(.ledgerBroken, "the ledger does not verify: \(error)")
        }
        guard let found, case .object(let record)? = try? CanonicalJSONParser().parse(found),
              case .integer(let seq)? = record["seq"], seq >= 1
        else {
            throw InclusionProofError(.recordNotFound, "no such record: \(target)")
        }
        let index = UInt64(seq) - 1
        for entry in checkpoints.reversed() {
            guard case .object(let chains)? = entry.object["chains"], let head = chains[kind].flatMap(LedgerVerifier.chainHead),
                  head.size > index
            else {
                continue
            }
            let root: LedgerHash
            let path: [LedgerHash]
            do {
                root = try tree.root(size: head.size)
                path = try tree.inclusionProof(index: index, size: head.size)
            } catch {
                throw InclusionProofError(.ledgerBroken, "checkpoint seq \(entry.location.seq) covers \(head.size) \(kind) records, the chain has \(tree.size)")
            }
            guard root == head.root else {
                throw InclusionProofError(.ledgerBroken, "the \(kind) Merkle root over \(head.size) records differs from checkpoint seq \(entry.location.seq)")
            }
            return InclusionProofDocument(record: record, leafIndex: index, treeSize: head.size, root: root, auditPath: path, checkpoint: entry.object)
        }
        throw InclusionProofError(.notCovered, "no checkpoint covers \(kind) seq \(seq) yet")
    }

    private static func contains(_ line: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard pattern.count <= line.count, let first = pattern.first else { return false }
        var start = 0
        while start + pattern.count <= line.count {
            if line[start] == first {
                var matched = true
                for offset in 1..<pattern.count where line[start + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            start += 1
        }
        return false
    }

    private static func topLevelString(_ key: String, in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard case .object(let object)? = try? CanonicalJSONParser().parse(line), case .string(let value)? = object[key] else { return nil }
        return value
    }
}
