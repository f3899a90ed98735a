public import Ledger
public import Records

/// One audit alert about a peer (docs/audit.md, "Alerts"): its code, a one-line reason and the facts to record.
public struct AuditAlert: Sendable, Equatable {
    /// `bad_signature`, `wrong_node`, `inconsistent`, `equivocation`, `shrank`, `malformed`, `silent`, `reconcile_mismatch`.
    public let code: String
    /// The peer it is about.
    public let peer: String
    /// One line for operators.
    public let reason: String
    /// Further members of the audit record (`kind`, sizes, checkpoint lines kept as evidence).
    public let details: [String: CanonicalJSON]

    /// Creates an alert.
    public init(code: String, peer: String, reason: String, details: [String: CanonicalJSON] = [:]) {
        self.code = code
        self.peer = peer
        self.reason = reason
        self.details = details
    }

    /// The alert for a checkpoint the judge refused.
    public init(_ alert: WitnessAlert, peer: String) {
        switch alert {
        case .badSignature(let why):
            self.init(code: alert.code, peer: peer, reason: "checkpoint signature refused: \(why)")
        case .wrongNode(let claimed):
            self.init(
                code: alert.code, peer: peer, reason: "checkpoint names node \(claimed.prefix(64)), not the peer",
                details: ["claimed_node": .string(String(claimed.prefix(64)))]
            )
        case .inconsistent(let kind, let from, let to):
            self.init(
                code: alert.code, peer: peer,
                reason: "\(kind) consistency proof from size \(from) to \(to) does not verify: the peer's history was rewritten",
                details: ["kind": .string(kind), "from_size": .integer(Int64(clamping: from)), "to_size": .integer(Int64(clamping: to))]
            )
        case .equivocation(let kind, let size, let held, let offered):
            self.init(
                code: alert.code, peer: peer, reason: "two different signed checkpoints for \(kind) size \(size)",
                details: [
                    "kind": .string(kind), "size": .integer(Int64(clamping: size)),
                    "held_checkpoint": .string(held.line), "offered_checkpoint": .string(offered.line),
                ]
            )
        case .shrank(let kind, let held, let offered):
            self.init(
                code: alert.code, peer: peer, reason: "\(kind) shrank from \(held) to \(offered) records",
                details: ["kind": .string(kind), "held_size": .integer(Int64(clamping: held)), "offered_size": .integer(Int64(clamping: offered))]
            )
        case .malformed(let why):
            self.init(code: alert.code, peer: peer, reason: "checkpoint publication unreadable: \(why.prefix(200))")
        }
    }
}
