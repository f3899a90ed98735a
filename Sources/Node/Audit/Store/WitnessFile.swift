public import Ledger
import Records

/// What a node keeps about one peer in `DATA/witness/<peer>.json`: the witnessed state (`WitnessedPeer`) and
/// the facts `sipswarm audit status` shows, as canonical JSON followed by `\n`.
///
/// `{"format":"sipswarm-witness-1","peer":"<id>","state":{...},"last_heard_us":n,"last_accepted_us":n,
/// "alert_count":n,"last_alert":"<code>","last_alert_us":n}` (the optional members are omitted while unknown).
public struct WitnessFile: Sendable, Equatable {
    static let format = "sipswarm-witness-1"
    /// A witness file holds one checkpoint line and a few numbers.
    static let maximumBytes = 256 * 1024

    /// The witnessed state the judge works on.
    public var state: WitnessedPeer
    /// When the peer last sent a PUBLISH that was admitted and read (accepted, unchanged or 412), UTC µs.
    public var lastHeardMicros: Int64?
    /// When a checkpoint of the peer was last accepted, UTC µs.
    public var lastAcceptedMicros: Int64?
    /// Alerts raised about the peer (every code but `silent` counts; silence is a state of its own).
    public var alertCount: UInt64
    /// The code of the last such alert.
    public var lastAlert: String?
    /// When it was raised, UTC µs.
    public var lastAlertMicros: Int64?

    /// Nothing known yet about `peerID`.
    public init(peerID: String) {
        self.state = WitnessedPeer(peerID: peerID)
        self.alertCount = 0
    }

    /// The stored bytes.
    public func encoded() -> [UInt8] {
        CanonicalJSON.object(omittingNil: [
            "format": .string(Self.format),
            "peer": .string(state.peerID),
            "state": state.canonicalJSON(),
            "last_heard_us": lastHeardMicros.map { .integer($0) },
            "last_accepted_us": lastAcceptedMicros.map { .integer($0) },
            "alert_count": .integer(Int64(clamping: alertCount)),
            "last_alert": lastAlert.map { .string($0) },
            "last_alert_us": lastAlertMicros.map { .integer($0) },
        ]).canonicalBytes() + [UInt8(ascii: "\n")]
    }

    /// Reads stored bytes for `peerID`.
    public init(bytes: [UInt8], peerID: String) throws(AuditStoreError) {
        let body = bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
        guard let value = try? CanonicalJSONParser(maxBytes: Self.maximumBytes, maxDepth: 8).parse(body),
              case .object(let fields) = value,
              case .string(Self.format)? = fields["format"],
              case .string(peerID)? = fields["peer"],
              case .object(let stateFields)? = fields["state"],
              case .integer(let alertCount)? = fields["alert_count"], alertCount >= 0
        else {
            throw AuditStoreError(.malformed, "witness file of \(peerID) is not a \(Self.format) document for that peer")
        }
        do {
            self.state = try WitnessedPeer(json: stateFields)
        } catch {
            throw AuditStoreError(.malformed, "witness file of \(peerID): \(error.reason)")
        }
        guard state.peerID == peerID else {
            throw AuditStoreError(.malformed, "witness file of \(peerID) holds the state of \(state.peerID)")
        }
        self.lastHeardMicros = Self.integer(fields["last_heard_us"])
        self.lastAcceptedMicros = Self.integer(fields["last_accepted_us"])
        self.alertCount = UInt64(alertCount)
        if case .string(let code)? = fields["last_alert"] { self.lastAlert = code }
        self.lastAlertMicros = Self.integer(fields["last_alert_us"])
    }

    private static func integer(_ value: CanonicalJSON?) -> Int64? {
        if case .integer(let number)? = value { return number }
        return nil
    }
}
