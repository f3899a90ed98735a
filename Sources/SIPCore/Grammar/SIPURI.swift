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
        self = try text.withSIPBytes { bytes throws(SIPParseError) in try SIPURI(bytes, bytes.all) }
    }

    /// Parses the URI in `range` of `bytes` (no surrounding whitespace or angle brackets).
    init(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) {
        let scanned = try Self.scan(bytes, range)
        scheme = scanned.scheme
        user = scanned.user.map(bytes.string)
        password = scanned.password.map(bytes.string)
        host = scanned.host.isEmpty ? "" : bytes.string(scanned.host)
        port = scanned.port
        parameters = SIPParameters(bytes, scanned.parameters)
        headers = scanned.headers.map(bytes.string)
    }

    /// Where the parts of a URI are, found without building any of them: the parser validates the URIs of every
    /// message (From, To) but most of them are never read, and a full parse is a String per part.
    struct Scanned {
        var scheme: Scheme
        var user: Range<Int>?
        var password: Range<Int>?
        /// Empty for tel URIs.
        var host: Range<Int>
        var port: Int?
        /// From the first `;` (or empty); parameters never fail to parse.
        var parameters: Range<Int>
        var headers: Range<Int>?
    }

    /// Checks the URI in `range` and finds its parts; throws exactly what `init(_:_:)` throws for the same bytes.
    static func scan(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> Scanned {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":"), in: range) else {
            throw SIPParseError(.invalidURI, "URI has no scheme")
        }
        let schemeRange = range.lowerBound..<colon
        let scheme: Scheme
        if bytes.equalsIgnoringCase(schemeRange, "sip") {
            scheme = .sip
        } else if bytes.equalsIgnoringCase(schemeRange, "sips") {
            scheme = .sips
        } else if bytes.equalsIgnoringCase(schemeRange, "tel") {
            scheme = .tel
        } else {
            // Non-ASCII bytes pass here as Unicode letters did before: such a scheme is unsupported, not malformed.
            if schemeRange.isEmpty || !bytes.allSatisfy(in: schemeRange, {
                ASCIIByte.isLetter($0) || ASCIIByte.isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: ".") || $0 >= 0x80
            }) {
                throw SIPParseError(.invalidURI, "malformed URI scheme")
            }
            throw SIPParseError(.unsupportedURIScheme, "unsupported URI scheme")
        }
        var rest = colon + 1..<range.upperBound
        if bytes.contains(in: rest, where: { ASCIIByte.isWhitespace($0) || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            throw SIPParseError(.invalidURI, "URI contains whitespace or angle brackets")
        }
        var headers: Range<Int>?
        if let question = bytes.firstIndex(of: UInt8(ascii: "?"), in: rest) {
            headers = question + 1..<rest.upperBound
            rest = rest.lowerBound..<question
        }
        if scheme == .tel {
            let semicolon = bytes.firstIndex(of: UInt8(ascii: ";"), in: rest) ?? rest.upperBound
            guard semicolon > rest.lowerBound else { throw SIPParseError(.invalidURI, "tel URI without number") }
            return Scanned(
                scheme: scheme, user: rest.lowerBound..<semicolon, password: nil, host: rest.lowerBound..<rest.lowerBound,
                port: nil, parameters: semicolon..<rest.upperBound, headers: headers
            )
        }
        // userinfo ends at the last '@'; parameters start at the first ';' after it (a ';' inside the user part belongs to the user).
        let at = bytes.lastIndex(of: UInt8(ascii: "@"), in: rest)
        let paramStart = bytes.firstIndex(of: UInt8(ascii: ";"), in: (at.map { $0 + 1 } ?? rest.lowerBound)..<rest.upperBound) ?? rest.upperBound
        var hostPart = rest.lowerBound..<paramStart
        var user: Range<Int>?
        var password: Range<Int>?
        if let at {
            let userinfo = rest.lowerBound..<at
            hostPart = at + 1..<paramStart
            if let passwordColon = bytes.firstIndex(of: UInt8(ascii: ":"), in: userinfo) {
                user = userinfo.lowerBound..<passwordColon
                password = passwordColon + 1..<userinfo.upperBound
            } else {
                user = userinfo
            }
            if user?.isEmpty == true { throw SIPParseError(.invalidURI, "empty user part") }
        }
        let (host, port) = try scanHostPort(bytes, hostPart)
        return Scanned(
            scheme: scheme, user: user, password: password, host: host, port: port,
            parameters: paramStart..<rest.upperBound, headers: headers
        )
    }

    /// Splits `host[:port]`, accepting `[v6]:port`.
    static func splitHostPort(_ text: some StringProtocol) throws(SIPParseError) -> (String, Int?) {
        try text.withSIPBytes { bytes throws(SIPParseError) in try splitHostPort(bytes, bytes.all) }
    }

    static func splitHostPort(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> (String, Int?) {
        let (host, port) = try scanHostPort(bytes, range)
        return (bytes.string(host), port)
    }

    /// `splitHostPort` without building the host: its range (never empty) and the port.
    static func scanHostPort(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> (Range<Int>, Int?) {
        guard !range.isEmpty else { throw SIPParseError(.invalidURI, "empty host") }
        var host: Range<Int>
        var portRange: Range<Int>?
        if bytes[range.lowerBound] == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]"), in: range) else {
                throw SIPParseError(.invalidURI, "unterminated IPv6 reference")
            }
            host = range.lowerBound..<close + 1
            let after = close + 1..<range.upperBound
            if !after.isEmpty {
                guard bytes[after.lowerBound] == UInt8(ascii: ":") else { throw SIPParseError(.invalidURI, "garbage after IPv6 reference") }
                portRange = after.lowerBound + 1..<after.upperBound
            }
        } else if let colon = bytes.lastIndex(of: UInt8(ascii: ":"), in: range) {
            host = range.lowerBound..<colon
            portRange = colon + 1..<range.upperBound
        } else {
            host = range
        }
        guard !host.isEmpty, bytes.allSatisfy(in: host, {
            ASCIIByte.isLetter($0) || ASCIIByte.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ":")
        }) else {
            throw SIPParseError(.invalidURI, "malformed host")
        }
        var port: Int?
        if let portRange {
            guard let value = SIPDecimal.parseBytes(UnsafeBufferPointer(rebasing: bytes.base[portRange]), maxDigits: 5),
                  (0...65535).contains(value)
            else {
                throw SIPParseError(.invalidURI, "malformed port")
            }
            port = value
        }
        return (host, port)
    }

    /// The `user@host:port` identity without parameters, for logs and keys.
    public var hostPort: String {
        if let port { return "\(host):\(port)" }
        return host
    }

    public var description: String {
        if let text = String.sipText(capacity: textLength, { write(to: &$0) }) { return text }
        var out = ""  // Not reached: `textLength` is never short.
        write(to: &out)
        return out
    }

    // An upper bound of the written length (the scheme counts 5), so `description` allocates once.
    var textLength: Int {
        var count = 5 + host.utf8.count + (port.map { 1 + SIPDecimalText.length($0) } ?? 0) + parameters.textLength
        if let user { count += user.utf8.count + 1 }
        if let password { count += password.utf8.count + 1 }
        if let headers { count += headers.utf8.count + 1 }
        return count
    }

    /// Writes the URI as `description` spells it, piece by piece, without building intermediate strings.
    func write(to out: inout some SIPTextOutput) {
        out.write(scheme.colonPrefix)
        if scheme == .tel {
            if let user { out.write(user) }
        } else {
            if let user {
                out.write(user)
                if let password {
                    out.write(":")
                    out.write(password)
                }
                out.write("@")
            }
            out.write(host: host, port: port)
        }
        parameters.write(to: &out)
        if let headers {
            out.write("?")
            out.write(headers)
        }
    }
}

extension SIPURI.Scheme {
    var colonPrefix: String {
        switch self {
        case .sip: "sip:"
        case .sips: "sips:"
        case .tel: "tel:"
        }
    }
}
