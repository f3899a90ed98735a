public import Records

/// What an intact data directory holds: its chains and its checkpoints.
public struct LedgerVerificationReport: Sendable, Hashable {
    /// One verified chain.
    public struct Chain: Sendable, Hashable {
        /// The record kind (folder name).
        public let kind: String
        /// The number of records; also the last `seq`, since seqs run 1, 2, 3, … without gaps.
        public let records: UInt64
        /// The number of non-empty files the chain spans.
        public let files: Int
        /// The `hash` of the last record, nil for an empty chain.
        public let lastHash: LedgerHash?
    }

    /// The last checkpoint of the directory.
    public struct Checkpoint: Sendable, Hashable {
        /// Its `seq` in the checkpoint chain.
        public let seq: UInt64
        /// Its `time_us`: UTC microseconds since the epoch.
        public let timeMicros: Int64
        /// Size and root of every chain it covers.
        public let chains: [String: ChainHead]
        /// Base64 of the node's Ed25519 public key that signed it.
        public let publicKeyBase64: String
    }

    /// Every chain, sorted by kind (the `checkpoint` chain included).
    public let chains: [Chain]
    /// The number of checkpoints.
    public let checkpointCount: UInt64
    /// The last checkpoint, nil when there is none (and so no records either).
    public let lastCheckpoint: Checkpoint?

    /// Records of every chain together, checkpoints included.
    public var totalRecords: UInt64 { chains.reduce(0) { $0 + $1.records } }

    /// The report as a JSON object (`sipswarm verify --json`).
    public func canonicalJSON() -> CanonicalJSON {
        var object: [String: CanonicalJSON] = [
            "ok": .bool(true),
            "records": .integer(Int64(clamping: totalRecords)),
            "checkpoints": .integer(Int64(clamping: checkpointCount)),
            "chains": .array(chains.map { chain in
                .object(omittingNil: [
                    "kind": .string(chain.kind),
                    "records": .integer(Int64(clamping: chain.records)),
                    "last_seq": .integer(Int64(clamping: chain.records)),
                    "last_hash": chain.lastHash.map { .string($0.hex) },
                    "files": .integer(chain.files),
                ])
            }),
        ]
        if let last = lastCheckpoint {
            var heads: [String: CanonicalJSON] = [:]
            for (kind, head) in last.chains {
                heads[kind] = .object(["size": .integer(Int64(clamping: head.size)), "root": .string(head.root.hex)])
            }
            object["last_checkpoint"] = .object([
                "seq": .integer(Int64(clamping: last.seq)),
                "time_us": .integer(last.timeMicros),
                "chains": .object(heads),
                "public_key": .string(last.publicKeyBase64),
            ])
        }
        return .object(object)
    }
}
