public import NIOCore

/// A SIP request (RFC 3261 §7.1).
public struct SIPRequest: Sendable, Hashable {
    public var method: SIPMethod
    public var uri: SIPURI
    public var headers: SIPHeaders
    /// Body bytes, passed through untouched.
    public var body: ByteBuffer

    public init(method: SIPMethod, uri: SIPURI, headers: SIPHeaders = SIPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }
}

/// A SIP response (RFC 3261 §7.2).
public struct SIPResponse: Sendable, Hashable {
    public var statusCode: Int
    public var reasonPhrase: String
    public var headers: SIPHeaders
    public var body: ByteBuffer

    public init(statusCode: Int, reasonPhrase: String? = nil, headers: SIPHeaders = SIPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase ?? SIPStatus.reasonPhrase(for: statusCode)
        self.headers = headers
        self.body = body
    }

    /// 1xx.
    public var isProvisional: Bool { statusCode < 200 }
    /// 2xx.
    public var isSuccess: Bool { (200..<300).contains(statusCode) }
}

/// Either kind of SIP message.
public enum SIPMessage: Sendable, Hashable {
    case request(SIPRequest)
    case response(SIPResponse)

    public var headers: SIPHeaders {
        switch self {
        case .request(let request): request.headers
        case .response(let response): response.headers
        }
    }
}

extension SIPRequest {
    /// Replaces the body and keeps Content-Type and Content-Length consistent with it.
    public mutating func setBody(_ body: ByteBuffer, contentType: String?) {
        self.body = body
        headers.setBody(length: body.readableBytes, contentType: contentType)
    }
}

extension SIPResponse {
    /// Replaces the body and keeps Content-Type and Content-Length consistent with it.
    public mutating func setBody(_ body: ByteBuffer, contentType: String?) {
        self.body = body
        headers.setBody(length: body.readableBytes, contentType: contentType)
    }
}

extension SIPHeaders {
    mutating func setBody(length: Int, contentType: String?) {
        if let contentType, length > 0 {
            set("Content-Type", contentType)
        } else {
            remove(.contentType)
        }
        set("Content-Length", String(length))
    }
}
