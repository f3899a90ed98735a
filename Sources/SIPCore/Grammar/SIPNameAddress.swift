/// `name-addr` or `addr-spec` with header parameters: From, To, Contact, Route, P-Asserted-Identity.
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    /// Display name as written, including quotes if it was quoted.
    public var displayName: String?
    public var uri: SIPURI
    /// Header parameters (after the URI), e.g. `tag`.
    public var parameters: SIPParameters
    /// Whether the URI was in angle brackets (always written with them when parameters exist).
    public var angleBrackets: Bool

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
        self.angleBrackets = true
    }

    /// Parses one element (not a comma list).
    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let value = Substring(String(text).sipTrimmed)
        if let open = Self.openingBracket(value) {
            guard let close = value[open...].firstIndex(of: ">") else {
                throw SIPParseError(.invalidHeaderValue, "unterminated '<' in name-addr")
            }
            let name = String(value[..<open]).sipTrimmed
            displayName = name.isEmpty ? nil : name
            uri = try SIPURI(parsing: value[value.index(after: open)..<close])
            parameters = SIPParameters(parsing: value[value.index(after: close)...])
            angleBrackets = true
        } else {
            // addr-spec: parameters after the URI belong to the header (RFC 3261 §20.10).
            displayName = nil
            let semicolon = value.firstIndex(of: ";") ?? value.endIndex
            uri = try SIPURI(parsing: value[..<semicolon])
            parameters = SIPParameters(parsing: value[semicolon...])
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

    /// The `tag` parameter.
    public var tag: String? {
        get { parameters["tag"] ?? nil }
        set {
            if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") }
        }
    }

    public var description: String {
        var out = ""
        if let displayName {
            out += displayName
            out += " "
        }
        // RFC 3261 §20: a URI with parameters or headers must be in angle brackets.
        if angleBrackets || !parameters.isEmpty || !uri.parameters.isEmpty || uri.headers != nil || displayName != nil {
            out += "<" + uri.description + ">"
        } else {
            out += uri.description
        }
        out += parameters.serialized
        return out
    }
}
