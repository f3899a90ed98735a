public import NIOCore

/// Credentials sent in CONNECT when the server's INFO says `auth_required`.
public enum NATSAuth: Sendable, Hashable {
    case none
    case userPassword(user: String, password: String)
    case token(String)
}

/// The CONNECT options. Defaults: quiet (`verbose`/`pedantic` off), headers and no-responders on.
public struct NATSConnectOptions: Sendable, Hashable, CustomStringConvertible {
    public var verbose = false
    public var pedantic = false
    public var tlsRequired = false
    public var name: String?
    public var lang = "swift"
    public var version = "0.1"
    public var headers = true
    public var noResponders = true
    /// `nil` leaves the server default (echo on).
    public var echo: Bool?
    public var auth: NATSAuth = .none

    public init(name: String? = nil, auth: NATSAuth = .none) {
        self.name = name
        self.auth = auth
    }

    // Credentials stay out of logs.
    public var description: String {
        let authKind: String
        switch self.auth {
        case .none: authKind = "none"
        case .userPassword: authKind = "user/password"
        case .token: authKind = "token"
        }
        return "NATSConnectOptions(name: \(self.name ?? "nil"), version: \(self.version), auth: \(authKind))"
    }

    /// The JSON object of the CONNECT line, fields in a fixed order.
    func json() -> String {
        var fields: [(String, String)] = [
            ("verbose", "\(self.verbose)"),
            ("pedantic", "\(self.pedantic)"),
            ("tls_required", "\(self.tlsRequired)"),
        ]
        if let name = self.name { fields.append(("name", Self.quoted(name))) }
        fields += [
            ("lang", Self.quoted(self.lang)),
            ("version", Self.quoted(self.version)),
            ("protocol", "1"),
            ("headers", "\(self.headers)"),
            ("no_responders", "\(self.noResponders)"),
        ]
        if let echo = self.echo { fields.append(("echo", "\(echo)")) }
        switch self.auth {
        case .none:
            break
        case .userPassword(let user, let password):
            fields.append(("user", Self.quoted(user)))
            fields.append(("pass", Self.quoted(password)))
        case .token(let token):
            fields.append(("auth_token", Self.quoted(token)))
        }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// One operation a client sends to a NATS server.
public enum NATSClientCommand: Sendable, Hashable {
    case connect(NATSConnectOptions)
    case pub(subject: String, replyTo: String?, payload: ByteBuffer)
    case hpub(subject: String, replyTo: String?, headers: NATSHeaders, payload: ByteBuffer)
    case sub(subject: String, queueGroup: String?, sid: UInt64)
    /// Unsubscribe now, or after `max` more messages.
    case unsub(sid: UInt64, max: Int?)
    case ping
    case pong

    /// Appends the wire form of the command. Throws on a subject or header that would corrupt the stream.
    public func encode(into buffer: inout ByteBuffer) throws(NATSProtocolError) {
        switch self {
        case .connect(let options):
            buffer.writeString("CONNECT ")
            buffer.writeString(options.json())
            buffer.writeString("\r\n")

        case .pub(let subject, let replyTo, let payload):
            try Self.validate(subject: subject)
            buffer.writeString("PUB ")
            buffer.writeString(subject)
            if let replyTo {
                try Self.validate(subject: replyTo)
                buffer.writeString(" ")
                buffer.writeString(replyTo)
            }
            buffer.writeString(" \(payload.readableBytes)\r\n")
            buffer.writeImmutableBuffer(payload)
            buffer.writeString("\r\n")

        case .hpub(let subject, let replyTo, let headers, let payload):
            try Self.validate(subject: subject)
            var block = ByteBuffer()
            try Self.encodeHeaders(headers, into: &block)
            buffer.writeString("HPUB ")
            buffer.writeString(subject)
            if let replyTo {
                try Self.validate(subject: replyTo)
                buffer.writeString(" ")
                buffer.writeString(replyTo)
            }
            buffer.writeString(" \(block.readableBytes) \(block.readableBytes + payload.readableBytes)\r\n")
            buffer.writeImmutableBuffer(block)
            buffer.writeImmutableBuffer(payload)
            buffer.writeString("\r\n")

        case .sub(let subject, let queueGroup, let sid):
            try Self.validate(subject: subject)
            buffer.writeString("SUB ")
            buffer.writeString(subject)
            if let queueGroup {
                try Self.validate(subject: queueGroup)
                buffer.writeString(" ")
                buffer.writeString(queueGroup)
            }
            buffer.writeString(" \(sid)\r\n")

        case .unsub(let sid, let max):
            if let max {
                buffer.writeString("UNSUB \(sid) \(max)\r\n")
            } else {
                buffer.writeString("UNSUB \(sid)\r\n")
            }

        case .ping:
            buffer.writeString("PING\r\n")

        case .pong:
            buffer.writeString("PONG\r\n")
        }
    }

    private static func validate(subject: String) throws(NATSProtocolError) {
        guard !subject.isEmpty,
            !subject.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A })
        else {
            throw NATSProtocolError(.invalidSubject, reason: "subject is empty or contains whitespace")
        }
    }

    private static func encodeHeaders(_ headers: NATSHeaders, into block: inout ByteBuffer) throws(NATSProtocolError) {
        block.writeString("NATS/1.0")
        if let status = headers.status {
            guard (100...999).contains(status.code) else {
                throw NATSProtocolError(.invalidHeaders, reason: "status code is not three digits")
            }
            block.writeString(" \(status.code)")
            if let text = status.description {
                guard !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
                    throw NATSProtocolError(.invalidHeaders, reason: "status text contains CR or LF")
                }
                block.writeString(" \(text)")
            }
        }
        block.writeString("\r\n")
        for field in headers.fields {
            guard !field.name.isEmpty,
                !field.name.utf8.contains(where: { $0 == 0x3A || $0 <= 0x20 || $0 == 0x7F })
            else {
                throw NATSProtocolError(.invalidHeaders, reason: "header name is empty or has ':' or control bytes")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
                throw NATSProtocolError(.invalidHeaders, reason: "header value contains CR or LF")
            }
            block.writeString("\(field.name): \(field.value)\r\n")
        }
        block.writeString("\r\n")
    }
}
