import Records

/// One chain's RFC 9162 consistency proof in a publication: from the size the witness acknowledged to the
/// checkpoint's size. `fromSize` 0 (a full checkpoint) and `fromSize` equal to `toSize` carry an empty path.
public struct ConsistencyStep: Sendable, Equatable {
    /// The longest path a tree of up to 2^64 leaves needs.
    public static let maximumPathLength = MerkleProofs.maximumProofLength

    /// The chain's kind (`cdr`, `attempt`, ...).
    public let kind: String
    /// The size the proof starts from: what the witness said it holds (0 = nothing).
    public let fromSize: UInt64
    /// The checkpoint's size for this chain.
    public let toSize: UInt64
    /// The RFC 9162 §2.1.4 consistency proof.
    public let path: [LedgerHash]

    /// A step from its parts (checked where a publication is built or read).
    public init(kind: String, fromSize: UInt64, toSize: UInt64, path: [LedgerHash]) {
        self.kind = kind
        self.fromSize = fromSize
        self.toSize = toSize
        self.path = path
    }

    /// `{"from_size": n, "path": [hex, ...], "to_size": m}`; the kind is the key it is stored under.
    func canonicalJSON() -> CanonicalJSON {
        .object([
            // Chain sizes stay far below 2^53, the range RFC 8785 integers keep exactly.
            "from_size": .integer(Int64(clamping: fromSize)),
            "to_size": .integer(Int64(clamping: toSize)),
            "path": .array(path.map { .string($0.hex) }),
        ])
    }

    /// Reads the step stored under `kind`; throws on anything but the three members with their types.
    init(kind: String, json value: CanonicalJSON) throws(WitnessError) {
        guard case .object(let fields) = value, fields.count == 3,
              case .integer(let from)? = fields["from_size"], from >= 0,
              case .integer(let to)? = fields["to_size"], to >= 0,
              case .array(let elements)? = fields["path"]
        else {
            throw WitnessError(.malformed, "proofs.\(kind) is not {from_size, path, to_size} with sizes >= 0")
        }
        guard elements.count <= Self.maximumPathLength else {
            throw WitnessError(.proofMismatch, "proofs.\(kind) has \(elements.count) path entries, more than \(Self.maximumPathLength)")
        }
        var path: [LedgerHash] = []
        path.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element, let hash = LedgerHash(hex: text) else {
                throw WitnessError(.malformed, "proofs.\(kind).path holds something other than 64 lower-case hex characters")
            }
            path.append(hash)
        }
        self.init(kind: kind, fromSize: UInt64(from), toSize: UInt64(to), path: path)
    }
}
