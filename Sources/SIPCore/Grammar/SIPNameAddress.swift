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
        self = try text.withSIPBytes { bytes throws(SIPParseError) in try SIPNameAddress(bytes, bytes.all) }
    }

    /// Parses the element in `range` of `bytes`.
    init(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) {
        let value = bytes.trimmed(range)
        if let open = Self.openingBracket(bytes, value) {
            guard let close = bytes.firstIndex(of: UInt8(ascii: ">"), in: open..<value.upperBound) else {
                throw SIPParseError(.invalidHeaderValue, "unterminated '<' in name-addr")
            }
            let name = bytes.trimmed(value.lowerBound..<open)
            displayName = name.isEmpty ? nil : bytes.string(name)
            uri = try SIPURI(bytes, open + 1..<close)
            parameters = SIPParameters(bytes, close + 1..<value.upperBound)
            angleBrackets = true
        } else {
            // addr-spec: parameters after the URI belong to the header (RFC 3261 §20.10).
            displayName = nil
            let semicolon = bytes.firstIndex(of: UInt8(ascii: ";"), in: value) ?? value.upperBound
            uri = try SIPURI(bytes, value.lowerBound..<semicolon)
            parameters = SIPParameters(bytes, semicolon..<value.upperBound)
            angleBrackets = false
        }
    }

    // First '<' outside a quoted display name.
    private static func openingBracket(_ bytes: SIPBytes, _ range: Range<Int>) -> Int? {
        var inQuotes = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    if index == range.upperBound { return nil }
                } else if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                return index
            }
            index += 1
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
