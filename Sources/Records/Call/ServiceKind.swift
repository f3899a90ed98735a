/// What the session carried: a voice call (INVITE with audio only), a video call (INVITE whose SDP offers a video
/// stream) or a message (MESSAGE, priced per message).
public enum ServiceKind: String, Sendable, Equatable, CaseIterable {
    case voice
    case video
    case message
}
