public import Records

/// One chain (one record kind of one node): stamps records with `seq`, `prev_hash` and `hash`.
public struct HashChain: Sendable {
    /// The node id written into every record's `node` field.
    public let nodeID: String
    /// The chain's kind, written into every record's `kind` field.
    public let kind: String
    /// Where the next record continues the chain.
    public private(set) var position: ChainPosition

    /// A chain writer for `kind` on `nodeID`, continuing after `position` (genesis for a new chain).
    public init(nodeID: String, kind: String, position: ChainPosition = .genesis) {
        self.nodeID = nodeID
        self.kind = kind
        self.position = position
    }

    /// Adds node, kind, seq, prev_hash; if `sign` is given, adds "signature" = sign(canonical bytes of the object without hash) first; then hash.
    public mutating func seal(
        _ fields: [String: CanonicalJSON],
        sign: ((_ unsignedCanonicalBytes: [UInt8]) -> String)? = nil
    ) -> SealedRecord {
        let seq = position.nextSeq
        var object = fields
        object.removeValue(forKey: "hash")
        object["node"] = .string(nodeID)
        object["kind"] = .string(kind)
        // Sequence numbers stay far below 2^53, the range RFC 8785 integers keep exactly.
        object["seq"] = .integer(Int64(clamping: seq))
        object["prev_hash"] = .string(position.lastHash.hex)
        if let sign {
            object.removeValue(forKey: "signature")
            object["signature"] = .string(sign(CanonicalJSON.object(object).canonicalBytes()))
        }
        let unhashed = CanonicalJSON.object(object).canonicalBytes()
        let hash = LedgerHash.sha256(unhashed)
        object["hash"] = .string(hash.hex)
        var line = CanonicalJSON.object(object).canonicalBytes()
        line.append(UInt8(ascii: "\n"))
        position = ChainPosition(nextSeq: seq + 1, lastHash: hash)
        return SealedRecord(seq: seq, hash: hash, object: object, line: line)
    }
}
