/// A header name normalised for comparison: lower-case long form (compact forms expanded).
public struct SIPHeaderName: Sendable, Hashable, CustomStringConvertible {
    /// Lower-case long form, e.g. `call-id`.
    public let key: String

    /// Normalises a header name as written on the wire (any case, compact or long form).
    public init(_ written: String) {
        if written.utf8.count == 1, let compact = Self.compactForms[Self.asciiLowercased(written)] {
            self.key = compact
        } else {
            self.key = Self.asciiLowercased(written)
        }
    }

    // Header names are tokens (ASCII, RFC 3261 §25.1); `lowercased()` would run Unicode case mapping on
    // every header of every message. Non-ASCII names (refused by the parser) fall back to it.
    private static func asciiLowercased(_ written: String) -> String {
        var needsChange = false
        for byte in written.utf8 {
            if byte >= 0x80 { return written.lowercased() }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { needsChange = true }
        }
        guard needsChange else { return written }
        let count = written.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            for (offset, byte) in written.utf8.enumerated() { buffer[offset] = ASCIIByte.lower(byte) }
            return count
        }
    }

    private init(key: String) { self.key = key }

    public var description: String { key }

    // RFC 3261 §7.3.3 and the extensions that define compact forms.
    private static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
        "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to",
        "v": "via", "o": "event", "r": "refer-to", "b": "referred-by", "u": "allow-events",
        "x": "session-expires", "a": "accept-contact", "j": "reject-contact",
        "d": "request-disposition", "y": "identity",
    ]

    public static let via = SIPHeaderName(key: "via")
    public static let from = SIPHeaderName(key: "from")
    public static let to = SIPHeaderName(key: "to")
    public static let callID = SIPHeaderName(key: "call-id")
    public static let cseq = SIPHeaderName(key: "cseq")
    public static let contact = SIPHeaderName(key: "contact")
    public static let maxForwards = SIPHeaderName(key: "max-forwards")
    public static let contentLength = SIPHeaderName(key: "content-length")
    public static let contentType = SIPHeaderName(key: "content-type")
    public static let route = SIPHeaderName(key: "route")
    public static let recordRoute = SIPHeaderName(key: "record-route")
    public static let userAgent = SIPHeaderName(key: "user-agent")
    public static let server = SIPHeaderName(key: "server")
    public static let reason = SIPHeaderName(key: "reason")
    public static let pAssertedIdentity = SIPHeaderName(key: "p-asserted-identity")
    public static let sessionExpires = SIPHeaderName(key: "session-expires")
    public static let minSE = SIPHeaderName(key: "min-se")
    public static let supported = SIPHeaderName(key: "supported")
    public static let require = SIPHeaderName(key: "require")
    public static let allow = SIPHeaderName(key: "allow")
    public static let retryAfter = SIPHeaderName(key: "retry-after")
    public static let event = SIPHeaderName(key: "event")
}
