/// What the session carried: a voice call (INVITE) or a message (MESSAGE).
public enum ServiceKind: String, Sendable, Equatable, CaseIterable {
    case voice
    case message
}
