public import Ledger
import Records

/// A peer's answer to a `ReconcileRequest`: its latest durable checkpoint, and per receipt found the CDR line
/// with an RFC 9162 inclusion proof against that checkpoint's `cdr` tree.
///
/// Body (canonical JSON): `{"checkpoint": "<checkpoint line>", "deferred": ["<guid>", ...], "missing": ["<guid>", ...],
/// "records": [{"line": "<cdr line>", "proof": ["<64 hex>", ...], "receipt": "<guid>", "seq": n}, ...]}`.
/// `missing`: no CDR with that receipt is covered by the checkpoint (none at all, or one written after it);
/// `deferred` (omitted when empty): found, but left out so the answer fits one SIP message: ask again.
/// Lines travel as the exact text the node wrote, so they can be kept as evidence.
public struct ReconcileAnswer: Sendable, Equatable {
    /// Larger answers are refused; a SIP message is 64 KiB at most by default, headers included.
    public static let maximumBodyBytes = 60 * 1024

    /// One proven CDR.
    public struct Record: Sendable, Equatable {
        /// The receipt GUID it was found for.
        public let receipt: String
        /// The CDR line exactly as written (without `\n`).
        public let line: String
        /// Its `seq` in the peer's cdr chain.
        public let seq: UInt64
        /// The inclusion proof of leaf `seq - 1` in the checkpoint's cdr tree, leaf to root.
        public let proof: [LedgerHash]

        /// A record from its parts.
        public init(receipt: String, line: String, seq: UInt64, proof: [LedgerHash]) {
            self.receipt = receipt
            self.line = line
            self.seq = seq
            self.proof = proof
        }

        func canonicalJSON() -> CanonicalJSON {
            .object([
                "receipt": .string(receipt),
                "line": .string(line),
                // Chain positions stay far below 2^53, the range RFC 8785 integers keep exactly.
                "seq": .integer(Int64(clamping: seq)),
                "proof": .array(proof.map { .string($0.hex) }),
            ])
        }
    }

    /// The checkpoint line the proofs lead to.
    public let checkpoint: String
    /// The CDRs found, in the order asked.
    public let records: [Record]
    /// Receipts with no CDR covered by the checkpoint.
    public let missing: [String]
    /// Receipts found but not sent, to keep the answer within one message.
    public let deferred: [String]

    /// An answer from its parts.
    public init(checkpoint: String, records: [Record], missing: [String], deferred: [String] = []) {
        self.checkpoint = checkpoint
        self.records = records
        self.missing = missing
        self.deferred = deferred
    }

    /// The canonical JSON body.
    public func encoded() -> [UInt8] {
        var fields: [String: CanonicalJSON] = [
            "checkpoint": .string(checkpoint),
            "records": .array(records.map { $0.canonicalJSON() }),
            "missing": .array(missing.map(CanonicalJSON.string)),
        ]
        if !deferred.isEmpty {
            fields["deferred"] = .array(deferred.map(CanonicalJSON.string))
        }
        return CanonicalJSON.object(fields).canonicalBytes()
    }

    /// Reads a body; throws `tooLarge` or `malformed` (the checkpoint and the proofs are checked by `ReconcileVerifier`).
    public init(body: some Collection<UInt8>) throws(ReconcileError) {
        let value = try ReconcileBody.parse(body, maximumBytes: Self.maximumBodyBytes, maxDepth: 4, what: "answer")
        guard case .object(let fields) = value, Set(fields.keys).isSubset(of: ["checkpoint", "records", "missing", "deferred"]),
              case .string(let checkpoint)? = fields["checkpoint"], case .array(let recordValues)? = fields["records"]
        else {
            throw ReconcileError(.malformed, "answer body is not {checkpoint: string, records: [...], missing: [...], deferred?: [...]}")
        }
        guard recordValues.count <= ReconcileRequest.maximumReceipts else {
            throw ReconcileError(.tooLarge, "\(recordValues.count) records, more than a request may ask for")
        }
        var records: [Record] = []
        for value in recordValues {
            records.append(try Self.record(value))
        }
        self.init(
            checkpoint: checkpoint, records: records, missing: try Self.guids(fields["missing"], "missing"),
            deferred: fields["deferred"] == nil ? [] : try Self.guids(fields["deferred"], "deferred")
        )
    }

    private static func record(_ value: CanonicalJSON) throws(ReconcileError) -> Record {
        guard case .object(let fields) = value, fields.count == 4,
              case .string(let receipt)? = fields["receipt"], case .string(let line)? = fields["line"],
              case .integer(let seq)? = fields["seq"], seq >= 1, case .array(let elements)? = fields["proof"]
        else {
            throw ReconcileError(.malformed, "a record is not {line: string, proof: [hex], receipt: string, seq: integer >= 1}")
        }
        guard elements.count <= ConsistencyStep.maximumPathLength else {
            throw ReconcileError(.malformed, "a proof of \(elements.count) entries is longer than any tree needs")
        }
        var proof: [LedgerHash] = []
        for element in elements {
            guard case .string(let text) = element, let hash = LedgerHash(hex: text) else {
                throw ReconcileError(.malformed, "a proof holds something other than 64 lower-case hex characters")
            }
            proof.append(hash)
        }
        return Record(receipt: receipt, line: line, seq: UInt64(seq), proof: proof)
    }

    private static func guids(_ value: CanonicalJSON?, _ name: String) throws(ReconcileError) -> [String] {
        guard case .array(let elements)? = value, elements.count <= ReconcileRequest.maximumReceipts else {
            throw ReconcileError(.malformed, "\(name) is not a list of at most \(ReconcileRequest.maximumReceipts) receipts")
        }
        var guids: [String] = []
        for element in elements {
            guard case .string(let guid) = element else {
                throw ReconcileError(.malformed, "\(name) holds something other than strings")
            }
            guids.append(guid)
        }
        return guids
    }
}
