import Foundation

/// One server to connect to: `nats://[user:pass@]host[:port]`, `tls://…`, or a bare `host[:port]`.
public struct NATSServerURL: Sendable, Hashable, CustomStringConvertible {
    public static let defaultPort = 4222

    public var host: String
    public var port: Int
    /// `tls://` asks for TLS even when the server's INFO does not require it.
    public var tls: Bool
    /// Credentials from the URL's user-info part; they override the client options for this server.
    public var auth: NATSAuth?

    public init(host: String, port: Int = Self.defaultPort, tls: Bool = false, auth: NATSAuth? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.auth = auth
    }

    /// Parses a URL. The error never repeats the text, which may hold a password.
    public init(parsing text: String) throws(NATSError) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var tls = false
        if let range = rest.range(of: "://") {
            switch rest[..<range.lowerBound].lowercased() {
            case "nats": tls = false
            case "tls": tls = true
            default: throw NATSError(.invalidURL, reason: "server URL scheme must be nats:// or tls://")
            }
            rest = rest[range.upperBound...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        var auth: NATSAuth?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                auth = .userPassword(
                    user: Self.decoded(userInfo[..<colon]),
                    password: Self.decoded(userInfo[userInfo.index(after: colon)...]))
            } else if !userInfo.isEmpty {
                auth = .token(Self.decoded(userInfo))
            }
        }
        var host = rest
        var port = Self.defaultPort
        if rest.hasPrefix("[") {
            // IPv6 literal: [::1]:4222
            guard let close = rest.firstIndex(of: "]") else {
                throw NATSError(.invalidURL, reason: "server URL has an unterminated IPv6 literal")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst()) } else if !after.isEmpty {
                throw NATSError(.invalidURL, reason: "server URL has bytes after the IPv6 literal")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = try Self.port(rest[rest.index(after: colon)...])
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else {
            throw NATSError(.invalidURL, reason: "server URL has no valid host")
        }
        self.init(host: String(host), port: port, tls: tls, auth: auth)
    }

    /// `%XX` decoding of user-info; text with invalid escapes is kept as written.
    private static func decoded(_ text: Substring) -> String {
        text.removingPercentEncoding ?? String(text)
    }

    private static func port(_ text: Substring) throws(NATSError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw NATSError(.invalidURL, reason: "server URL port is not a number in 1...65535")
        }
        return port
    }

    // Credentials stay out of logs.
    public var description: String {
        "\(self.tls ? "tls" : "nats")://\(self.auth == nil ? "" : "***@")\(self.host):\(self.port)"
    }
}
