public import NIOCore

/// One operation received from a NATS server.
public enum NATSServerMessage: Sendable, Hashable {
    /// `INFO {json}`: sent on connect and, with `protocol:1`, asynchronously later.
    case info(NATSServerInfo)
    /// `MSG <subject> <sid> [reply] <n>`.
    case msg(Message)
    /// `HMSG <subject> <sid> [reply] <hdrLen> <total>`.
    case hmsg(HeaderMessage)
    case ping
    case pong
    /// `+OK` (only with `verbose:true`).
    case ok
    /// `-ERR '<text>'`, quotes removed.
    case error(String)

    /// A delivered message without headers.
    public struct Message: Sendable, Hashable {
        public var subject: String
        public var sid: UInt64
        public var replyTo: String?
        public var payload: ByteBuffer

        public init(subject: String, sid: UInt64, replyTo: String? = nil, payload: ByteBuffer) {
            self.subject = subject
            self.sid = sid
            self.replyTo = replyTo
            self.payload = payload
        }
    }

    /// A delivered message with a header block (possibly status-only, like a 503 no-responders).
    public struct HeaderMessage: Sendable, Hashable {
        public var subject: String
        public var sid: UInt64
        public var replyTo: String?
        public var headers: NATSHeaders
        public var payload: ByteBuffer

        public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders, payload: ByteBuffer) {
            self.subject = subject
            self.sid = sid
            self.replyTo = replyTo
            self.headers = headers
            self.payload = payload
        }
    }
}

extension NATSServerMessage {
    /// Whether an `-ERR` text means the server closes the connection (per the protocol docs).
    public static func isFatalError(_ text: String) -> Bool {
        let t = text.lowercased()
        return !(t.hasPrefix("invalid subject") || t.hasPrefix("permissions violation")
            || t.hasPrefix("invalid publish subject"))
    }
}
