/// A SIP, SIPS (RFC 3261 §19.1) or tel (RFC 3966) URI.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case sip, sips, tel
    }

    public var scheme: Scheme
    /// User part (sip/sips) or the telephone number (tel), percent-escapes kept as written.
    public var user: String?
    public var password: String?
    /// Host name or address; IPv6 references keep their brackets. Empty for tel URIs.
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters
    /// `?h=v&...` part without the `?`, kept verbatim.
    public var headers: String?

    public init(scheme: Scheme = .sip, user: String? = nil, host: String, port: Int? = nil, parameters: SIPParameters = SIPParameters()) {
        self.scheme = scheme
        self.user = user
        self.password = nil
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = nil
    }

    /// Parses a URI. Throws `invalidURI`, or `unsupportedURIScheme` for schemes other than sip, sips, tel.
    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let text = Substring(text)
        guard let colon = text.firstIndex(of: ":") else {
            throw SIPParseError(.invalidURI, "URI has no scheme")
        }
        let schemeText = text[..<colon].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            if schemeText.isEmpty || !schemeText.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
                throw SIPParseError(.invalidURI, "malformed URI scheme")
            }
            throw SIPParseError(.unsupportedURIScheme, "unsupported URI scheme")
        }
        self.scheme = scheme
        self.password = nil
        self.port = nil
        self.headers = nil
        var rest = text[text.index(after: colon)...]
        // Bytes, not Characters: "<" or SP followed by a combining mark is one grapheme.
        if rest.utf8.contains(where: {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n")
                || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        }) {
            throw SIPParseError(.invalidURI, "URI contains whitespace or angle brackets")
        }
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if scheme == .tel {
            let semicolon = rest.firstIndex(of: ";") ?? rest.endIndex
            let number = rest[..<semicolon]
            guard !number.isEmpty else { throw SIPParseError(.invalidURI, "tel URI without number") }
            user = String(number)
            host = ""
            parameters = SIPParameters(parsing: rest[semicolon...])
            return
        }
        // userinfo ends at the last '@' before any parameters.
        let paramStart = Self.parameterStart(rest)
        var hostPart = rest[..<paramStart]
        parameters = SIPParameters(parsing: rest[paramStart...])
        if let at = hostPart.lastIndex(of: "@") {
            let userinfo = hostPart[..<at]
            hostPart = hostPart[hostPart.index(after: at)...]
            if let passwordColon = userinfo.firstIndex(of: ":") {
                user = String(userinfo[..<passwordColon])
                password = String(userinfo[userinfo.index(after: passwordColon)...])
            } else {
                user = String(userinfo)
            }
            if user?.isEmpty == true { throw SIPParseError(.invalidURI, "empty user part") }
        } else {
            user = nil
        }
        let (parsedHost, parsedPort) = try Self.splitHostPort(hostPart)
        host = parsedHost
        port = parsedPort
    }

    // The first ';' after the userinfo '@' (a ';' inside the user part belongs to the user).
    private static func parameterStart(_ text: Substring) -> Substring.Index {
        let searchFrom = text.lastIndex(of: "@").map { text.index(after: $0) } ?? text.startIndex
        return text[searchFrom...].firstIndex(of: ";") ?? text.endIndex
    }

    /// Splits `host[:port]`, accepting `[v6]:port`.
    static func splitHostPort(_ text: Substring) throws(SIPParseError) -> (String, Int?) {
        guard !text.isEmpty else { throw SIPParseError(.invalidURI, "empty host") }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw SIPParseError(.invalidURI, "unterminated IPv6 reference") }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw SIPParseError(.invalidURI, "garbage after IPv6 reference") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._[]:".contains($0)) }) else {
            throw SIPParseError(.invalidURI, "malformed host")
        }
        var port: Int?
        if let portText {
            guard let value = SIPDecimal.parse(portText, maxDigits: 5), (0...65535).contains(value) else {
                throw SIPParseError(.invalidURI, "malformed port")
            }
            port = value
        }
        return (String(host), port)
    }

    /// The `user@host:port` identity without parameters, for logs and keys.
    public var hostPort: String {
        if let port { return "\(host):\(port)" }
        return host
    }

    public var description: String {
        var out = scheme.rawValue + ":"
        if scheme == .tel {
            out += user ?? ""
        } else {
            if let user {
                out += user
                if let password { out += ":" + password }
                out += "@"
            }
            out += host
            if let port { out += ":" + String(port) }
        }
        out += parameters.serialized
        if let headers { out += "?" + headers }
        return out
    }
}
