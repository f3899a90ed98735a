import Records

/// One signed checkpoint of a node, as a witness sees it: the record line exactly as the node wrote it,
/// and the facts read from it (docs/ledger-format.md, "Checkpoints").
///
/// The line must be canonical JSON, so two statements are the same checkpoint exactly when their lines are equal.
/// Parsing checks that the record's `hash` recomputes; the signature is checked too but not required, so that
/// `WitnessJudge` can answer a bad signature as the alert it is rather than as a malformed body.
public struct CheckpointStatement: Sendable, Equatable {
    /// A checkpoint line is a few hundred bytes per chain; anything near this is not one.
    public static let maximumLineBytes = 64 * 1024
    /// More chains than any node writes; bounds the work a hostile line can cause.
    public static let maximumChains = 64

    /// The checkpoint record exactly as written, without the trailing `\n`.
    public let line: String
    /// The node that wrote and signed it (`node`).
    public let nodeID: String
    /// Its `seq` in the node's checkpoint chain.
    public let seq: UInt64
    /// When it was taken (`time_us`), UTC microseconds.
    public let timeMicros: Int64
    /// Every covered chain's size and root, by kind.
    public let heads: [String: ChainHead]
    /// The 32-byte Ed25519 key named in `public_key`.
    public let publicKey: [UInt8]
    /// The record's chain hash (`hash`), which also covers the signature.
    public let hash: LedgerHash
    /// Whether `signature` verifies with `publicKey` over the canonical bytes without `hash` and `signature`.
    public let signatureVerifies: Bool

    /// Parses a checkpoint line; throws when it is not a canonical, complete checkpoint record whose hash recomputes.
    public init(line: String) throws(WitnessError) {
        let bytes = Array(line.utf8)
        guard bytes.count <= Self.maximumLineBytes else {
            throw WitnessError(.tooLarge, "checkpoint line of \(bytes.count) bytes exceeds \(Self.maximumLineBytes)")
        }
        let value: CanonicalJSON
        do {
            value = try CanonicalJSONParser(maxBytes: Self.maximumLineBytes, maxDepth: 4).parseCanonical(bytes)
        } catch {
            throw WitnessError(.malformed, "checkpoint line is not canonical JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw WitnessError(.malformed, "checkpoint line is not a JSON object")
        }
        guard case .string("checkpoint")? = object["kind"] else {
            throw WitnessError(.malformed, "kind is not \"checkpoint\"")
        }
        guard case .string(let nodeID)? = object["node"], !nodeID.isEmpty else {
            throw WitnessError(.malformed, "node missing or empty")
        }
        guard case .integer(let seq)? = object["seq"], seq >= 1 else {
            throw WitnessError(.malformed, "seq missing or below 1")
        }
        guard case .integer(let timeMicros)? = object["time_us"] else {
            throw WitnessError(.malformed, "time_us missing or not an integer")
        }
        guard case .string(let previous)? = object["prev_hash"], LedgerHash(hex: previous) != nil else {
            throw WitnessError(.malformed, "prev_hash missing or not 64 lower-case hex characters")
        }
        guard case .string(let hashText)? = object["hash"], let hash = LedgerHash(hex: hashText) else {
            throw WitnessError(.malformed, "hash missing or not 64 lower-case hex characters")
        }
        guard let heads = CheckpointFields.chainHeads(of: object) else {
            throw WitnessError(.malformed, "chains missing, or an entry is not {root: 64 hex, size: integer >= 0}")
        }
        guard heads.count <= Self.maximumChains, heads["checkpoint"] == nil else {
            throw WitnessError(.malformed, "chains lists more than \(Self.maximumChains) chains or the checkpoint chain itself")
        }
        guard let publicKey = CheckpointFields.publicKey(of: object) else {
            throw WitnessError(.malformed, "public_key is not base64 of 32 bytes")
        }
        guard case .string? = object["signature"] else {
            throw WitnessError(.malformed, "signature missing or not a string")
        }
        var unhashed = object
        unhashed.removeValue(forKey: "hash")
        guard RecordHashing.hash(of: unhashed) == hash else {
            throw WitnessError(.hashMismatch, "the checkpoint's hash does not recompute: the line was altered")
        }
        self.line = line
        self.nodeID = nodeID
        self.seq = UInt64(seq)
        self.timeMicros = timeMicros
        self.heads = heads
        self.publicKey = publicKey
        self.hash = hash
        self.signatureVerifies = CheckpointFields.verifySignature(object)
    }

    /// The chain sizes, by kind.
    public var sizes: [String: UInt64] { heads.mapValues(\.size) }
}
