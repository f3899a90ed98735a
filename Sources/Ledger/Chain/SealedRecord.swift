public import Records

/// A record with its chain fields (`node`, `kind`, `seq`, `prev_hash`, `hash`) ready to write.
public struct SealedRecord: Sendable {
    /// The record's position in its chain, from 1.
    public let seq: UInt64
    /// SHA-256 of the canonical JSON without `hash`.
    public let hash: LedgerHash
    /// The complete object, `hash` included.
    public let object: [String: CanonicalJSON]
    /// The canonical JSON of `object` followed by `\n`: exactly the line written to disk.
    public let line: [UInt8]
}
