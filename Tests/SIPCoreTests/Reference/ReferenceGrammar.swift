// The Character-based grammar as it was before the byte-level rewrite (issue 9), kept only as the
// reference for GrammarDifferentialTests: on ASCII input the fast parsers must agree with it exactly.
@testable import SIPCore

/// A SIP, SIPS (RFC 3261 §19.1) or tel (RFC 3966) URI.
struct RefURI: Sendable, Hashable {
    enum Scheme: String, Sendable, Hashable {
        case sip, sips, tel
    }

    var scheme: Scheme
    /// User part (sip/sips) or the telephone number (tel), percent-escapes kept as written.
    var user: String?
    var password: String?
    /// Host name or address; IPv6 references keep their brackets. Empty for tel URIs.
    var host: String
    var port: Int?
    var parameters: RefParameters
    /// `?h=v&...` part without the `?`, kept verbatim.
    var headers: String?

    init(scheme: Scheme = .sip, user: String? = nil, host: String, port: Int? = nil, parameters: RefParameters = RefParameters()) {
        self.scheme = scheme
        self.user = user
        self.password = nil
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = nil
    }

    /// Parses a URI. Throws `invalidURI`, or `unsupportedURIScheme` for schemes other than sip, sips, tel.
    init(parsing text: some StringProtocol) throws(SIPParseError) {
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
            parameters = RefParameters(parsing: rest[semicolon...])
            return
        }
        // userinfo ends at the last '@' before any parameters.
        let paramStart = Self.parameterStart(rest)
        var hostPart = rest[..<paramStart]
        parameters = RefParameters(parsing: rest[paramStart...])
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

}
/// `name-addr` or `addr-spec` with header parameters: From, To, Contact, Route, P-Asserted-Identity.
struct RefNameAddress: Sendable, Hashable {
    /// Display name as written, including quotes if it was quoted.
    var displayName: String?
    var uri: RefURI
    /// Header parameters (after the URI), e.g. `tag`.
    var parameters: RefParameters
    /// Whether the URI was in angle brackets (always written with them when parameters exist).
    var angleBrackets: Bool

    init(displayName: String? = nil, uri: RefURI, parameters: RefParameters = RefParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
        self.angleBrackets = true
    }

    /// Parses one element (not a comma list).
    init(parsing text: some StringProtocol) throws(SIPParseError) {
        let value = Substring(String(text).refTrimmed)
        if let open = Self.openingBracket(value) {
            guard let close = value[open...].firstIndex(of: ">") else {
                throw SIPParseError(.invalidHeaderValue, "unterminated '<' in name-addr")
            }
            let name = String(value[..<open]).refTrimmed
            displayName = name.isEmpty ? nil : name
            uri = try RefURI(parsing: value[value.index(after: open)..<close])
            parameters = RefParameters(parsing: value[value.index(after: close)...])
            angleBrackets = true
        } else {
            // addr-spec: parameters after the URI belong to the header (RFC 3261 §20.10).
            displayName = nil
            let semicolon = value.firstIndex(of: ";") ?? value.endIndex
            uri = try RefURI(parsing: value[..<semicolon])
            parameters = RefParameters(parsing: value[semicolon...])
            angleBrackets = false
        }
    }

    // First '<' outside a quoted display name.
    private static func openingBracket(_ text: Substring) -> Substring.Index? {
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if inQuotes {
                if character == "\\" {
                    index = text.index(after: index)
                    if index == text.endIndex { return nil }
                } else if character == "\"" {
                    inQuotes = false
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "<" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

}
/// An ordered `;name=value` parameter list. Names compare case-insensitively; order and
/// spelling are kept so serialization reproduces the input.
struct RefParameters: Sendable, Hashable, Sequence {
    struct Parameter: Sendable, Hashable {
        var name: String
        var value: String?
    }

    private(set) var items: [Parameter]

    init() { items = [] }

    func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }
    var isEmpty: Bool { items.isEmpty }

    /// Value of a parameter; `.some(nil)` for a flag parameter such as `;lr` or `;rport`.
    subscript(_ name: String) -> String?? {
        let lowered = name.lowercased()
        for item in items where item.name.lowercased() == lowered { return .some(item.value) }
        return .none
    }

    /// Whether the parameter is present (with or without value).
    func contains(_ name: String) -> Bool { self[name] != nil }

    /// Sets or adds a parameter, keeping its position when present.
    mutating func set(_ name: String, _ value: String?) {
        let lowered = name.lowercased()
        if let index = items.firstIndex(where: { $0.name.lowercased() == lowered }) {
            items[index].value = value
        } else {
            items.append(Parameter(name: name, value: value))
        }
    }

    mutating func remove(_ name: String) {
        let lowered = name.lowercased()
        items.removeAll { $0.name.lowercased() == lowered }
    }

    /// Parses `;a=b;c` (the leading `;` optional). Values may be quoted strings.
    init(parsing text: Substring) {
        items = []
        for part in RefSplitter.split(String(text), on: UInt8(ascii: ";")) {
            if let equals = part.firstIndex(of: "=") {
                let name = String(part[..<equals]).refTrimmed
                let value = String(part[part.index(after: equals)...]).refTrimmed
                items.append(Parameter(name: name, value: value))
            } else {
                items.append(Parameter(name: part, value: nil))
            }
        }
    }

    /// Serialized form with leading `;` before each parameter, or empty.
    var serialized: String {
        var out = ""
        for item in items {
            out += ";"
            out += item.name
            if let value = item.value {
                out += "="
                out += value
            }
        }
        return out
    }
}
/// One Via element (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=...;rport;received=...`.
struct RefVia: Sendable, Hashable {
    /// Transport token, upper-cased (`UDP`, `TCP`, `TLS`, ...).
    var transport: String
    var host: String
    var port: Int?
    var parameters: RefParameters

    /// RFC 3261 branch magic cookie.
    static let magicCookie = "z9hG4bK"

    init(transport: String, host: String, port: Int?, branch: String) {
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = RefParameters()
        self.parameters.set("branch", branch)
    }

    init(parsing text: some StringProtocol) throws(SIPParseError) {
        let value = Substring(String(text).refTrimmed)
        // sent-protocol = "SIP" / "2.0" / transport, with optional LWS around the slashes.
        var remainder = value[...]
        var protocolParts: [String] = []
        for _ in 0..<3 {
            remainder = remainder.drop(while: { $0 == " " || $0 == "\t" })
            let end = remainder.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\t" }) ?? remainder.endIndex
            protocolParts.append(String(remainder[..<end]))
            remainder = remainder[end...].drop(while: { $0 == " " || $0 == "\t" })
            if protocolParts.count < 3 {
                guard remainder.hasPrefix("/") else { throw SIPParseError(.invalidHeaderValue, "Via sent-protocol malformed") }
                remainder = remainder.dropFirst()
            }
        }
        guard protocolParts[0].uppercased() == "SIP", protocolParts[1] == "2.0", !protocolParts[2].isEmpty else {
            throw SIPParseError(.invalidHeaderValue, "Via sent-protocol is not SIP/2.0")
        }
        transport = protocolParts[2].uppercased()
        remainder = remainder.drop(while: { $0 == " " || $0 == "\t" })
        let semicolon = remainder.firstIndex(of: ";") ?? remainder.endIndex
        let sentBy = Substring(String(remainder[..<semicolon]).refTrimmed)
        do {
            (host, port) = try RefURI.splitHostPort(sentBy)
        } catch {
            throw SIPParseError(.invalidHeaderValue, "Via sent-by malformed")
        }
        parameters = RefParameters(parsing: remainder[semicolon...])
    }

}
/// Splitting of header values that respects quoted strings and `<...>` (commas inside URIs
/// and display names do not separate elements).
enum RefSplitter {
    static func splitCommaList(_ value: String) -> [String] {
        split(value, on: UInt8(ascii: ","))
    }

    /// Splits on `separator` outside quotes and angle brackets; trims each part.
    static func split(_ value: String, on separator: UInt8) -> [String] {
        var parts: [String] = []
        let bytes = Array(value.utf8)
        var start = 0
        var inQuotes = false
        var inAngle = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == separator && !inAngle {
                parts.append(trimmed(bytes[start..<index]))
                start = index + 1
            }
            index += 1
        }
        parts.append(trimmed(bytes[start..<min(bytes.count, max(start, bytes.count))]))
        return parts.filter { !$0.isEmpty }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}

extension String {
    /// Whitespace-trimmed copy (SP, HTAB, CR, LF).
    var refTrimmed: String { RefSplitter.trimmed(Array(utf8)[...]) }
}
