/// A `host:port` pair; IPv6 hosts are written in brackets (`[::1]:5060`) and stored without them.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP literal, without brackets.
    public var host: String
    /// Port, 1...65535.
    public var port: Int

    /// Creates a pair without validation (for code that builds configurations directly).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port`; refuses empty hosts, bad characters and ports outside 1...65535.
    public init(parsing text: String) throws(ConfigurationValueError) {
        let expected = "expected \"host:port\", got \(quoted(text))"
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationValueError(.invalidHostPort, expected)
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ConfigurationValueError(.invalidHostPort, expected)
            }
            portPart = rest.dropFirst()
            guard IPAddress(parsing: String(hostPart))?.family == .ipv6 else {
                throw ConfigurationValueError(.invalidHostPort, "\(quoted(String(hostPart))) in brackets is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ConfigurationValueError(.invalidHostPort, expected)
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else {
                throw ConfigurationValueError(.invalidHostPort, "IPv6 host must be in brackets, e.g. \"[::1]:5060\", got \(quoted(text))")
            }
            guard Self.isHostName(hostPart) else {
                throw ConfigurationValueError(.invalidHostPort, expected)
            }
        }
        self.host = String(hostPart)
        self.port = try Self.parsePort(portPart)
    }

    /// Parses a decimal port in 1...65535.
    public static func parsePort(_ text: some StringProtocol) throws(ConfigurationValueError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(text), (1...65535).contains(port)
        else {
            throw ConfigurationValueError(.invalidPort, "port must be 1-65535, got \(quoted(String(text)))")
        }
        return port
    }

    /// Whether `port` is a usable port number (1...65535).
    public static func isValidPort(_ port: Int) -> Bool {
        (1...65535).contains(port)
    }

    // Letters, digits, '-', '.' (DNS names and dotted IPv4); anything else is a typo or an injection.
    static func isHostName(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".": true
            default: false
            }
        }
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
