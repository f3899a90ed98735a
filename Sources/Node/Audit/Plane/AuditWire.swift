public import Ledger
import Records

/// Header names and bodies of the audit protocol on the admin plane (docs/audit.md, "Wire").
public enum AuditWire {
    /// The sender's node id, on every request between peers.
    public static let nodeHeader = "X-BF-Node"
    /// RFC 3903 entity tag of the witnessed state, on 200 answers.
    public static let entityTagHeader = "SIP-ETag"
    /// RFC 3903 conditional refresh: the entity tag the publisher last heard.
    public static let ifMatchHeader = "SIP-If-Match"
    /// `Content-Type` of the 200/412 answer body.
    public static let acknowledgementContentType = "application/sipswarm-witness+json"
    /// An acknowledgement body is a handful of sizes; anything bigger is refused.
    public static let maximumAcknowledgementBytes = 16 * 1024

    /// The entity tag of a witnessed checkpoint: the first 16 hex digits of its chain hash ("0" when nothing is held).
    public static func entityTag(of checkpoint: CheckpointStatement?) -> String {
        checkpoint.map { String($0.hash.hex.prefix(16)) } ?? "0"
    }
}

/// What a witness answers (200 and 412): the sizes it now holds for the publisher and the seq of that checkpoint.
///
/// Body: canonical JSON `{"held":{"cdr":n,...},"seq":k}`; `held` = {} and `seq` = 0 mean "nothing held, send a
/// full checkpoint".
public struct WitnessAcknowledgement: Sendable, Equatable {
    /// Sizes held, by kind.
    public var held: [String: UInt64]
    /// `seq` of the held checkpoint in the publisher's checkpoint chain; 0 when none is held.
    public var seq: UInt64

    /// Creates an acknowledgement.
    public init(held: [String: UInt64], seq: UInt64) {
        self.held = held
        self.seq = seq
    }

    /// The acknowledgement of what `peer` holds.
    public init(_ peer: WitnessedPeer) {
        self.init(held: peer.heldSizes, seq: peer.latest?.seq ?? 0)
    }

    /// The canonical JSON body.
    public func encoded() -> [UInt8] {
        CanonicalJSON.object([
            "held": .object(held.mapValues { .integer(Int64(clamping: $0)) }),
            "seq": .integer(Int64(clamping: seq)),
        ]).canonicalBytes()
    }

    /// Reads a body; nil when it is not exactly the documented shape.
    public init?(body: some Collection<UInt8>) {
        guard body.count <= AuditWire.maximumAcknowledgementBytes,
              let value = try? CanonicalJSONParser(maxBytes: AuditWire.maximumAcknowledgementBytes, maxDepth: 4).parse(body),
              case .object(let fields) = value, fields.count == 2,
              case .object(let heldFields)? = fields["held"], case .integer(let seq)? = fields["seq"], seq >= 0,
              heldFields.count <= CheckpointStatement.maximumChains
        else { return nil }
        var held: [String: UInt64] = [:]
        for (kind, value) in heldFields {
            guard case .integer(let size) = value, size >= 0 else { return nil }
            held[kind] = UInt64(size)
        }
        self.init(held: held, seq: UInt64(seq))
    }
}
