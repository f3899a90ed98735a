public import Records

/// A record with its chain fields (`node`, `kind`, `seq`, `prev_hash`, `hash`) ready to write.
public struct SealedRecord: Sendable {
    /// The record's position in its chain, from 1.
    public let seq: UInt64
    /// SHA-256 of the canonical JSON without `hash`.
    public let hash: LedgerHash
    /// The canonical JSON of `object` followed by `\n`: exactly the line written to disk.
    public let line: [UInt8]
    // The object when the record was sealed from one; nil when it was written straight into its line.
    private let storedObject: [String: CanonicalJSON]?

    /// The complete object, `hash` included (read back from `line` for a record written straight into it).
    public var object: [String: CanonicalJSON] {
        if let storedObject {
            return storedObject
        }
        // The line is the writer's own canonical JSON, so it parses; an empty object stands for the impossible.
        guard case .object(let fields)? = try? CanonicalJSONParser().parse(line.dropLast()) else { return [:] }
        return fields
    }

    init(seq: UInt64, hash: LedgerHash, object: [String: CanonicalJSON], line: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.storedObject = object
        self.line = line
    }

    init(seq: UInt64, hash: LedgerHash, line: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.storedObject = nil
        self.line = line
    }
}
