public import Records

/// What a witness holds for one peer: the latest checkpoint it accepted and how many it has accepted.
///
/// Node/Audit persists it as canonical JSON `{"accepted_count": n, "latest": "<checkpoint line>", "peer": "<id>"}`
/// (`latest` omitted while nothing is witnessed), so a restarted witness judges the next checkpoint exactly
/// as it would have before.
public struct WitnessedPeer: Sendable, Equatable {
    /// The peer's node id.
    public let peerID: String
    /// The latest accepted checkpoint; nil when nothing was witnessed yet (or the state was lost).
    public var latest: CheckpointStatement?
    /// How many checkpoints of this peer were accepted.
    public var acceptedCount: UInt64

    /// The latest checkpoint's chain sizes by kind; empty when nothing is held.
    public var heldSizes: [String: UInt64] { latest?.sizes ?? [:] }

    /// A peer of which nothing is witnessed yet.
    public init(peerID: String) {
        self.peerID = peerID
        self.latest = nil
        self.acceptedCount = 0
    }

    init(peerID: String, latest: CheckpointStatement?, acceptedCount: UInt64) {
        self.peerID = peerID
        self.latest = latest
        self.acceptedCount = acceptedCount
    }

    /// The stored form.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "peer": .string(peerID),
            // Counts stay far below 2^53, the range RFC 8785 integers keep exactly.
            "accepted_count": .integer(Int64(clamping: acceptedCount)),
            "latest": latest.map { .string($0.line) },
        ])
    }

    /// Reads the stored form; the latest checkpoint must be the peer's own and its signature must verify,
    /// since only such a checkpoint can have been accepted.
    public init(json: [String: CanonicalJSON]) throws(WitnessError) {
        guard case .string(let peerID)? = json["peer"], !peerID.isEmpty,
              case .integer(let count)? = json["accepted_count"], count >= 0,
              Set(json.keys).isSubset(of: ["peer", "accepted_count", "latest"])
        else {
            throw WitnessError(.malformed, "peer state is not {accepted_count >= 0, latest?, peer}")
        }
        var latest: CheckpointStatement?
        if let value = json["latest"] {
            guard case .string(let line) = value else {
                throw WitnessError(.malformed, "peer state's latest is not a checkpoint line")
            }
            let statement = try CheckpointStatement(line: line)
            guard statement.nodeID == peerID, statement.signatureVerifies else {
                throw WitnessError(.malformed, "peer state's latest checkpoint is not a signed checkpoint of \(peerID)")
            }
            latest = statement
        }
        self.init(peerID: peerID, latest: latest, acceptedCount: UInt64(count))
    }
}
