/// A header name normalised for comparison: lower-case long form (compact forms expanded).
public struct SIPHeaderName: Sendable, Hashable, CustomStringConvertible {
    /// Lower-case long form, e.g. `call-id`.
    public let key: String

    /// Normalises a header name as written on the wire (any case, compact or long form).
    public init(_ written: String) {
        var written = written
        self.key = written.withUTF8 { Self.normalisedKey(UnsafeRawBufferPointer($0)) } ?? Self.normalisedKey(unicode: written)
    }

    /// Normalises a header name the parser holds as bytes (already checked to be a token).
    init(writtenBytes: UnsafeRawBufferPointer) {
        self.key = Self.normalisedKey(writtenBytes) ?? Self.normalisedKey(unicode: String(decoding: writtenBytes, as: UTF8.self))
    }

    // Header names are tokens (ASCII, RFC 3261 §25.1); `lowercased()` would run Unicode case mapping on every header
    // of every message. Lower-cased here byte by byte into a stack buffer: a key of up to 15 bytes is then a small
    // string, with no allocation. Nil for a non-ASCII name (the parser refuses those; built ones fall back).
    private static func normalisedKey(_ bytes: UnsafeRawBufferPointer) -> String? {
        if bytes.count == 1 {
            let byte = ASCIIByte.lower(bytes[0])
            guard byte < 0x80 else { return nil }
            return compactForm(byte) ?? String(decoding: CollectionOfOne(byte), as: UTF8.self)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x80 else { return nil }
                lowered[index] = ASCIIByte.lower(byte)
            }
            return String(decoding: lowered, as: UTF8.self)
        }
    }

    private static func normalisedKey(unicode written: String) -> String {
        let lowered = written.lowercased()
        return lowered.utf8.count == 1 ? (lowered.utf8.first.flatMap(compactForm) ?? lowered) : lowered
    }

    // RFC 3261 §7.3.3 and the extensions that define compact forms.
    private static func compactForm(_ letter: UInt8) -> String? {
        switch letter {
        case UInt8(ascii: "i"): "call-id"
        case UInt8(ascii: "m"): "contact"
        case UInt8(ascii: "e"): "content-encoding"
        case UInt8(ascii: "l"): "content-length"
        case UInt8(ascii: "c"): "content-type"
        case UInt8(ascii: "f"): "from"
        case UInt8(ascii: "s"): "subject"
        case UInt8(ascii: "k"): "supported"
        case UInt8(ascii: "t"): "to"
        case UInt8(ascii: "v"): "via"
        case UInt8(ascii: "o"): "event"
        case UInt8(ascii: "r"): "refer-to"
        case UInt8(ascii: "b"): "referred-by"
        case UInt8(ascii: "u"): "allow-events"
        case UInt8(ascii: "x"): "session-expires"
        case UInt8(ascii: "a"): "accept-contact"
        case UInt8(ascii: "j"): "reject-contact"
        case UInt8(ascii: "d"): "request-disposition"
        case UInt8(ascii: "y"): "identity"
        default: nil
        }
    }

    private init(key: String) { self.key = key }

    public var description: String { key }

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
