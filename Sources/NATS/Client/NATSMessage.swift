public import NIOCore

/// A message delivered to a subscription or as a reply.
public struct NATSMessage: Sendable, Hashable {
    public var subject: String
    public var replyTo: String?
    /// `nil` for a plain MSG; an HMSG's header block otherwise (possibly status-only).
    public var headers: NATSHeaders?
    public var payload: ByteBuffer

    public init(subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer) {
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The status of a status message (`503` no responders, `404`/`408`/`409` pull ends, `100` heartbeat).
    public var status: NATSHeaders.Status? { self.headers?.status }

    /// The payload as UTF-8 text.
    public var string: String { String(buffer: self.payload) }
}
