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
        let scanned = try Self.locate(bytes, range)
        displayName = scanned.displayName.map(bytes.string)
        uri = try SIPURI(bytes, scanned.uri)
        parameters = SIPParameters(bytes, scanned.parameters)
        angleBrackets = scanned.angleBrackets
    }

    /// Where the parts of an element are, the URI checked but nothing built (the parser validates From and To of
    /// every message this way); throws exactly what `init(_:_:)` throws for the same bytes.
    struct Scanned {
        var displayName: Range<Int>?
        var uri: Range<Int>
        var parameters: Range<Int>
        var angleBrackets: Bool
    }

    static func scan(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> Scanned {
        let scanned = try locate(bytes, range)
        _ = try SIPURI.scan(bytes, scanned.uri)
        return scanned
    }

    // The parts' ranges; the URI is not looked at beyond its brackets.
    private static func locate(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> Scanned {
        let value = bytes.trimmed(range)
        let scanned: Scanned
        if let open = Self.openingBracket(bytes, value) {
            guard let close = bytes.firstIndex(of: UInt8(ascii: ">"), in: open..<value.upperBound) else {
                throw SIPParseError(.invalidHeaderValue, "unterminated '<' in name-addr")
            }
            let name = bytes.trimmed(value.lowerBound..<open)
            scanned = Scanned(
                displayName: name.isEmpty ? nil : name, uri: open + 1..<close, parameters: close + 1..<value.upperBound, angleBrackets: true
            )
        } else {
            // addr-spec: parameters after the URI belong to the header (RFC 3261 §20.10).
            let semicolon = bytes.firstIndex(of: UInt8(ascii: ";"), in: value) ?? value.upperBound
            scanned = Scanned(displayName: nil, uri: value.lowerBound..<semicolon, parameters: semicolon..<value.upperBound, angleBrackets: false)
        }
        return scanned
    }

    /// Checks `text` as `init(parsing:)` would, building nothing.
    static func validate(_ text: some StringProtocol) throws(SIPParseError) {
        try text.withSIPBytes { bytes throws(SIPParseError) in _ = try scan(bytes, bytes.all) }
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

    /// What `(try? SIPNameAddress(parsing: text))?.tag` gives, without building the display name, the URI or the
    /// parameter list: the engine asks the To of nearly every message for its tag.
    public static func tag(in text: some StringProtocol) -> String? {
        text.withSIPBytes { bytes in
            guard let scanned = try? scan(bytes, bytes.all) else { return nil }
            return SIPParameters.value(named: "tag", in: bytes, scanned.parameters) ?? nil
        }
    }

    /// The `tag` parameter.
    public var tag: String? {
        get { parameters["tag"] ?? nil }
        set {
            if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") }
        }
    }

    public var description: String {
        let length = (displayName?.utf8.count ?? 0) + 3 + uri.textLength + parameters.textLength
        if let text = String.sipText(capacity: length, { write(to: &$0) }) { return text }
        var out = ""  // Not reached: the length above is never short.
        write(to: &out)
        return out
    }

    /// Writes `description` without building intermediate strings.
    func write(to out: inout some SIPTextOutput) {
        if let displayName {
            out.write(displayName)
            out.write(" ")
        }
        // RFC 3261 §20: a URI with parameters or headers must be in angle brackets.
        if angleBrackets || !parameters.isEmpty || !uri.parameters.isEmpty || uri.headers != nil || displayName != nil {
            out.write("<")
            uri.write(to: &out)
            out.write(">")
        } else {
            uri.write(to: &out)
        }
        parameters.write(to: &out)
    }
}
