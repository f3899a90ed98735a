public import Records

/// One chain (one record kind of one node): stamps records with `seq`, `prev_hash` and `hash`.
public struct HashChain: Sendable {
    /// The node id written into every record's `node` field.
    public let nodeID: String
    /// The chain's kind, written into every record's `kind` field.
    public let kind: String
    /// Where the next record continues the chain.
    public private(set) var position: ChainPosition
    // The chain fields `seal(record:)` merges into every record, encoded once and updated in place per record.
    private var chainMembers: ChainMembers
    // Where `seal(record:)` writes each record before its line is made (kept from record to record).
    private var scratch = CanonicalScratch(capacity: HashChain.lineCapacity)

    /// A chain writer for `kind` on `nodeID`, continuing after `position` (genesis for a new chain).
    public init(nodeID: String, kind: String, position: ChainPosition = .genesis) {
        self.nodeID = nodeID
        self.kind = kind
        self.position = position
        chainMembers = ChainMembers(nodeID: nodeID, kind: kind)
    }

    /// Adds node, kind, seq, prev_hash; if `sign` is given, adds "signature" = sign(canonical bytes of the object without hash) first; then hash.
    ///
    /// The object is encoded once: its canonical bytes without `hash` are what is hashed, and the line is those
    /// bytes with the `hash` member put in at its sorted place (no member sorts between the neighbours it goes
    /// between, so this is exactly the canonical JSON of the object with `hash`).
    public mutating func seal(
        _ fields: consuming [String: CanonicalJSON],
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
        var line: [UInt8] = []
        line.reserveCapacity(Self.lineCapacity)
        let insertion = CanonicalJSON.writeObject(object, into: &line, insertionPointOf: "hash")
        let hash = completeLine(&line, hashMemberAt: insertion)
        object["hash"] = .string(hash.hex)
        return SealedRecord(seq: seq, hash: hash, object: object, line: line)
    }

    /// Seals `record` written straight into its line by `writeCanonicalMembers` (no dictionary, no sorting): the
    /// same line and hash as `seal(fields)` with the record's canonical object. Also returns the keys of the
    /// record's own members that a chain field replaced with another value (a record naming another node).
    ///
    /// The record is written into the chain's scratch buffer, which then holds exactly the bytes the hash is taken
    /// over; the line is those bytes copied once with the `hash` member in its place.
    public mutating func seal(record: some CanonicalRecord) -> (sealed: SealedRecord, replacedKeys: [String]) {
        let seq = position.nextSeq
        chainMembers.set(prevHash: position.lastHash, seq: seq)
        let (sealed, replacedKeys) = scratch.write(record, overrides: chainMembers.members, marker: "hash") { bytes, insertion in
            let hash = LedgerHash.sha256(bytes)
            return SealedRecord(seq: seq, hash: hash, line: HashMember.line(bytes, hash: hash, at: insertion))
        }
        position = ChainPosition(nextSeq: seq + 1, lastHash: sealed.hash)
        return (sealed, replacedKeys)
    }

    // `line` holds the canonical bytes without `hash`: hashes them, puts the `hash` member in at `insertion`, adds
    // the final newline and moves the chain on.
    private mutating func completeLine(_ line: inout [UInt8], hashMemberAt insertion: (offset: Int, afterMember: Bool)) -> LedgerHash {
        let hash = LedgerHash.sha256(line)
        // The member is built on the stack: a heap array per record for 74 bytes showed up in allocation counts.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HashMember.count) { member in
            guard let base = member.baseAddress else { return }
            let count = HashMember.write(hash, afterMember: insertion.afterMember, at: base)
            line.insert(contentsOf: UnsafeBufferPointer(start: base, count: count), at: insertion.offset)
        }
        line.append(UInt8(ascii: "\n"))
        position = ChainPosition(nextSeq: position.nextSeq + 1, lastHash: hash)
        return hash
    }

    // Room for a rated CDR with both legs (about 1.5 KB) and its hash member without growing.
    private static let lineCapacity = 2_048
}
