/// What the witness answers one checkpoint PUBLISH (docs/audit.md, "Response codes").
public enum PublishAnswer: Sendable, Equatable {
    /// 200: accepted or the same checkpoint again; the acknowledgement and the entity tag of what is now held.
    case ok(WitnessAcknowledgement, entityTag: String)
    /// 412: proofs (or `SIP-If-Match`) from sizes not held; resend from `held` (empty: send a full checkpoint).
    case conditionFailed(WitnessAcknowledgement)
    /// 403: bad signature or a checkpoint of another node.
    case forbidden(String)
    /// 488: inconsistent, equivocating, shrunk or unreadable.
    case notAcceptable(String)
    /// 415: not a checkpoint publication body.
    case unsupportedMediaType

    /// The SIP status code.
    public var statusCode: Int {
        switch self {
        case .ok: 200
        case .conditionFailed: 412
        case .forbidden: 403
        case .notAcceptable: 488
        case .unsupportedMediaType: 415
        }
    }
}
