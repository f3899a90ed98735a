import Records

/// The chain fields of a record (`kind`, `node`, `prev_hash`, `seq`) as the members `CanonicalObjectWriter` puts
/// in: `kind` and `node` encoded once per chain, `prev_hash` and `seq` rewritten in place for every record (the
/// hex straight from the hash's bytes), so sealing a record builds no strings or arrays for them.
struct ChainMembers: Sendable {
    // Sorted, as the writer requires: kind < node < prev_hash < seq.
    private(set) var members: [CanonicalMember]

    private static let prevHashIndex = 2
    private static let seqIndex = 3

    init(nodeID: String, kind: String) {
        members = [
            CanonicalMember(key: "kind", value: .string(kind)),
            CanonicalMember(key: "node", value: .string(nodeID)),
            CanonicalMember(key: "prev_hash", value: .string(LedgerHash.zero.hex)),
            CanonicalMember(key: "seq", value: .integer(0)),
        ]
    }

    /// The fields of the record following `prevHash`, numbered `seq`.
    mutating func set(prevHash: LedgerHash, seq: UInt64) {
        members[Self.prevHashIndex].setString(plainCount: LedgerHash.byteCount * 2) { hex in
            prevHash.writeHex(into: UnsafeMutableBufferPointer(start: hex, count: LedgerHash.byteCount * 2))
        }
        // Sequence numbers stay far below 2^53, the range RFC 8785 integers keep exactly.
        members[Self.seqIndex].setInteger(Int64(clamping: seq))
    }
}
