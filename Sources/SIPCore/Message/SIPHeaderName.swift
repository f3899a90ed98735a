/// A header name normalised for comparison: lower-case long form (compact forms expanded).
///
/// The well-known names also carry a small integer identity (`KnownHeader`), so the lookups every message makes
/// (`headers[.via]`, `switch field.key`, the serializer's Content-Length check) compare one byte instead of two
/// strings, and their `key` is a string literal (no allocation, no reference counting when copied). Any other name
/// has identity 0 and compares by `key`. Every initializer derives the identity from the final key, so a name
/// equals another exactly when their keys are equal, as before.
public struct SIPHeaderName: Sendable, Hashable, CustomStringConvertible {
    /// Lower-case long form, e.g. `call-id`.
    public let key: String
    /// `KnownHeader` raw value, or 0 for a name outside the table.
    let id: UInt8

    /// Normalises a header name as written on the wire (any case, compact or long form).
    public init(_ written: String) {
        // Read through the borrowed string's own storage: a `var` copy for `withUTF8` retained it, and the B2BUA
        // names several lines of every message it builds.
        switch written.utf8.withContiguousStorageIfAvailable({ Self(asciiBytes: UnsafeRawBufferPointer($0)) }) {
        case .some(.some(let name)):
            self = name
        case .some(.none):
            self = Self(unicode: written)
        case .none:  // A string without contiguous UTF-8 (bridged); not on Linux.
            var copy = written
            self = copy.withUTF8 { Self(asciiBytes: UnsafeRawBufferPointer($0)) } ?? Self(unicode: written)
        }
    }

    /// Normalises a header name the parser holds as bytes (already checked to be a token).
    init(writtenBytes: UnsafeRawBufferPointer) {
        self = Self(asciiBytes: writtenBytes) ?? Self(unicode: String(decoding: writtenBytes, as: UTF8.self))
    }

    init(known: KnownHeader) {
        self.id = known.rawValue
        self.key = known.key
    }

    private init(id: UInt8, key: String) {
        self.id = id
        self.key = key
    }

    // Header names are tokens (ASCII, RFC 3261 §25.1); `lowercased()` would run Unicode case mapping on every header
    // of every message. Lower-cased here byte by byte into a stack buffer and looked up in the known table; only a
    // name outside it becomes a new String (a key of up to 15 bytes is then a small string, with no allocation).
    // Nil for a non-ASCII name (the parser refuses those; built ones fall back).
    private init?(asciiBytes bytes: UnsafeRawBufferPointer) {
        if bytes.count == 1 {
            let byte = ASCIIByte.lower(bytes[0])
            guard byte < 0x80 else { return nil }
            if let known = KnownHeader(compactForm: byte) {
                self.init(known: known)
            } else {
                self.init(id: 0, key: String(decoding: CollectionOfOne(byte), as: UTF8.self))
            }
            return
        }
        if let match = KnownHeader.match(bytes) {
            self.init(known: match.header)
            return
        }
        self.init(unknownBytes: bytes)
    }

    /// A name of two or more bytes that `KnownHeader.match` did not find: lower-cased into a new key. Nil for a
    /// non-ASCII name.
    init?(unknownBytes bytes: UnsafeRawBufferPointer) {
        let key: String? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x80 else { return nil }
                lowered[index] = ASCIIByte.lower(byte)
            }
            return String(decoding: UnsafeBufferPointer(lowered), as: UTF8.self)
        }
        guard let key else { return nil }
        self.init(id: 0, key: key)
    }

    private init(unicode written: String) {
        let lowered = written.lowercased()
        var key = lowered
        let known: KnownHeader? = key.withUTF8 { utf8 in
            utf8.count == 1 ? KnownHeader(compactForm: utf8[0]) : KnownHeader(lowerCased: utf8)
        }
        if let known { self.init(known: known) } else { self.init(id: 0, key: lowered) }
    }

    public static func == (lhs: SIPHeaderName, rhs: SIPHeaderName) -> Bool {
        // Equal keys imply equal identities (both derived from the key), so identities decide unless both are 0.
        lhs.id == rhs.id && (lhs.id != 0 || lhs.key == rhs.key)
    }

    public func hash(into hasher: inout Hasher) {
        if id != 0 { hasher.combine(id) } else { hasher.combine(key) }
    }

    public var description: String { key }

    public static var via: SIPHeaderName { SIPHeaderName(known: .via) }
    public static var from: SIPHeaderName { SIPHeaderName(known: .from) }
    public static var to: SIPHeaderName { SIPHeaderName(known: .to) }
    public static var callID: SIPHeaderName { SIPHeaderName(known: .callID) }
    public static var cseq: SIPHeaderName { SIPHeaderName(known: .cseq) }
    public static var contact: SIPHeaderName { SIPHeaderName(known: .contact) }
    public static var maxForwards: SIPHeaderName { SIPHeaderName(known: .maxForwards) }
    public static var contentLength: SIPHeaderName { SIPHeaderName(known: .contentLength) }
    public static var contentType: SIPHeaderName { SIPHeaderName(known: .contentType) }
    public static var route: SIPHeaderName { SIPHeaderName(known: .route) }
    public static var recordRoute: SIPHeaderName { SIPHeaderName(known: .recordRoute) }
    public static var userAgent: SIPHeaderName { SIPHeaderName(known: .userAgent) }
    public static var server: SIPHeaderName { SIPHeaderName(known: .server) }
    public static var reason: SIPHeaderName { SIPHeaderName(known: .reason) }
    public static var pAssertedIdentity: SIPHeaderName { SIPHeaderName(known: .pAssertedIdentity) }
    public static var sessionExpires: SIPHeaderName { SIPHeaderName(known: .sessionExpires) }
    public static var minSE: SIPHeaderName { SIPHeaderName(known: .minSE) }
    public static var supported: SIPHeaderName { SIPHeaderName(known: .supported) }
    public static var require: SIPHeaderName { SIPHeaderName(known: .require) }
    public static var allow: SIPHeaderName { SIPHeaderName(known: .allow) }
    public static var retryAfter: SIPHeaderName { SIPHeaderName(known: .retryAfter) }
    public static var event: SIPHeaderName { SIPHeaderName(known: .event) }
}

/// The header names with an integer identity: RFC 3261 §20, the compact forms of later RFCs, and the few
/// extensions a carrier INVITE commonly carries. A name outside this list still works, compared by its key.
enum KnownHeader: UInt8, CaseIterable {
    case via = 1, from, to, callID, cseq, contact, maxForwards, contentLength, contentType, route, recordRoute
    case userAgent, server, reason, pAssertedIdentity, sessionExpires, minSE, supported, require, allow, retryAfter
    case event, contentEncoding, subject, referTo, referredBy, allowEvents, acceptContact, rejectContact
    case requestDisposition, identity, accept, acceptEncoding, acceptLanguage, alertInfo, authorization, callInfo
    case contentDisposition, contentLanguage, date, errorInfo, expires, inReplyTo, mimeVersion, minExpires
    case organization, priority, proxyAuthenticate, proxyAuthorization, proxyRequire, replyTo, timestamp
    case unsupported, warning, wwwAuthenticate, rseq, rack, privacy, pPreferredIdentity, diversion, path

    /// The lower-case long form (a literal: no allocation, no reference counting).
    var key: String { names.key }

    /// The usual spelling on the wire. The parser keeps a name as written; when it is written exactly like this,
    /// the literal is used instead of a new String (names over 15 bytes would otherwise be allocated).
    var spelling: String { names.spelling }

    /// `spelling` as a StaticString: the parser compares written names against it through a plain pointer.
    var spellingText: StaticString { names.text }

    // One row per header: the key, and the spelling twice (as a String literal to hand out, as a StaticString to
    // compare bytes with). All literals, so nothing is allocated or reference counted; inlined into each getter,
    // so a getter's switch produces only its own column.
    @inline(__always)
    private var names: (key: String, spelling: String, text: StaticString) {
        switch self {
        case .via: ("via", "Via", "Via")
        case .from: ("from", "From", "From")
        case .to: ("to", "To", "To")
        case .callID: ("call-id", "Call-ID", "Call-ID")
        case .cseq: ("cseq", "CSeq", "CSeq")
        case .contact: ("contact", "Contact", "Contact")
        case .maxForwards: ("max-forwards", "Max-Forwards", "Max-Forwards")
        case .contentLength: ("content-length", "Content-Length", "Content-Length")
        case .contentType: ("content-type", "Content-Type", "Content-Type")
        case .route: ("route", "Route", "Route")
        case .recordRoute: ("record-route", "Record-Route", "Record-Route")
        case .userAgent: ("user-agent", "User-Agent", "User-Agent")
        case .server: ("server", "Server", "Server")
        case .reason: ("reason", "Reason", "Reason")
        case .pAssertedIdentity: ("p-asserted-identity", "P-Asserted-Identity", "P-Asserted-Identity")
        case .sessionExpires: ("session-expires", "Session-Expires", "Session-Expires")
        case .minSE: ("min-se", "Min-SE", "Min-SE")
        case .supported: ("supported", "Supported", "Supported")
        case .require: ("require", "Require", "Require")
        case .allow: ("allow", "Allow", "Allow")
        case .retryAfter: ("retry-after", "Retry-After", "Retry-After")
        case .event: ("event", "Event", "Event")
        case .contentEncoding: ("content-encoding", "Content-Encoding", "Content-Encoding")
        case .subject: ("subject", "Subject", "Subject")
        case .referTo: ("refer-to", "Refer-To", "Refer-To")
        case .referredBy: ("referred-by", "Referred-By", "Referred-By")
        case .allowEvents: ("allow-events", "Allow-Events", "Allow-Events")
        case .acceptContact: ("accept-contact", "Accept-Contact", "Accept-Contact")
        case .rejectContact: ("reject-contact", "Reject-Contact", "Reject-Contact")
        case .requestDisposition: ("request-disposition", "Request-Disposition", "Request-Disposition")
        case .identity: ("identity", "Identity", "Identity")
        case .accept: ("accept", "Accept", "Accept")
        case .acceptEncoding: ("accept-encoding", "Accept-Encoding", "Accept-Encoding")
        case .acceptLanguage: ("accept-language", "Accept-Language", "Accept-Language")
        case .alertInfo: ("alert-info", "Alert-Info", "Alert-Info")
        case .authorization: ("authorization", "Authorization", "Authorization")
        case .callInfo: ("call-info", "Call-Info", "Call-Info")
        case .contentDisposition: ("content-disposition", "Content-Disposition", "Content-Disposition")
        case .contentLanguage: ("content-language", "Content-Language", "Content-Language")
        case .date: ("date", "Date", "Date")
        case .errorInfo: ("error-info", "Error-Info", "Error-Info")
        case .expires: ("expires", "Expires", "Expires")
        case .inReplyTo: ("in-reply-to", "In-Reply-To", "In-Reply-To")
        case .mimeVersion: ("mime-version", "MIME-Version", "MIME-Version")
        case .minExpires: ("min-expires", "Min-Expires", "Min-Expires")
        case .organization: ("organization", "Organization", "Organization")
        case .priority: ("priority", "Priority", "Priority")
        case .proxyAuthenticate: ("proxy-authenticate", "Proxy-Authenticate", "Proxy-Authenticate")
        case .proxyAuthorization: ("proxy-authorization", "Proxy-Authorization", "Proxy-Authorization")
        case .proxyRequire: ("proxy-require", "Proxy-Require", "Proxy-Require")
        case .replyTo: ("reply-to", "Reply-To", "Reply-To")
        case .timestamp: ("timestamp", "Timestamp", "Timestamp")
        case .unsupported: ("unsupported", "Unsupported", "Unsupported")
        case .warning: ("warning", "Warning", "Warning")
        case .wwwAuthenticate: ("www-authenticate", "WWW-Authenticate", "WWW-Authenticate")
        case .rseq: ("rseq", "RSeq", "RSeq")
        case .rack: ("rack", "RAck", "RAck")
        case .privacy: ("privacy", "Privacy", "Privacy")
        case .pPreferredIdentity: ("p-preferred-identity", "P-Preferred-Identity", "P-Preferred-Identity")
        case .diversion: ("diversion", "Diversion", "Diversion")
        case .path: ("path", "Path", "Path")
        }
    }

    // RFC 3261 §7.3.3 and the extensions that define compact forms.
    init?(compactForm letter: UInt8) {
        switch letter {
        case UInt8(ascii: "i"): self = .callID
        case UInt8(ascii: "m"): self = .contact
        case UInt8(ascii: "e"): self = .contentEncoding
        case UInt8(ascii: "l"): self = .contentLength
        case UInt8(ascii: "c"): self = .contentType
        case UInt8(ascii: "f"): self = .from
        case UInt8(ascii: "s"): self = .subject
        case UInt8(ascii: "k"): self = .supported
        case UInt8(ascii: "t"): self = .to
        case UInt8(ascii: "v"): self = .via
        case UInt8(ascii: "o"): self = .event
        case UInt8(ascii: "r"): self = .referTo
        case UInt8(ascii: "b"): self = .referredBy
        case UInt8(ascii: "u"): self = .allowEvents
        case UInt8(ascii: "x"): self = .sessionExpires
        case UInt8(ascii: "a"): self = .acceptContact
        case UInt8(ascii: "j"): self = .rejectContact
        case UInt8(ascii: "d"): self = .requestDisposition
        case UInt8(ascii: "y"): self = .identity
        default: return nil
        }
    }

    /// The known header whose key is exactly these (already lower-cased) bytes; a long form only, so a single
    /// letter never matches here (compact forms go through `init(compactForm:)`).
    init?(lowerCased bytes: UnsafeBufferPointer<UInt8>) {
        guard let match = Self.match(UnsafeRawBufferPointer(bytes)) else { return nil }
        self = match.header
    }

    /// The parser's lookup, straight from the name as written: the known long-form header it names (in any ASCII
    /// case) and whether it is written exactly as `spelling`. Nothing is copied or hashed: the length and three
    /// lower-cased bytes pick the only candidate, and one pass compares it.
    static func match(_ bytes: UnsafeRawBufferPointer) -> (header: KnownHeader, exactSpelling: Bool)? {
        guard bytes.count > 1, bytes.count <= 20 else { return nil }
        let count = bytes.count
        let key = count << 24 | Int(ASCIIByte.lower(bytes[0])) << 16 | Int(ASCIIByte.lower(bytes[Swift.min(2, count - 1)])) << 8
            | Int(ASCIIByte.lower(bytes[count - 1]))
        guard let candidate = candidate(key), let exact = candidate.compare(bytes) else { return nil }
        return (candidate, exact)
    }

    // (length, first, third, last byte) of each lower-cased key, packed as in `match`; unique over the table, which
    // `FastPathTests.knownHeaderTableIsConsistent` checks by looking every key up.
    private static func candidate(_ key: Int) -> KnownHeader? {
        switch key {
        case 0x02_74_6F_6F: .to  // to
        case 0x03_76_61_61: .via  // via
        case 0x04_63_65_71: .cseq  // cseq
        case 0x04_64_74_65: .date  // date
        case 0x04_66_6F_6D: .from  // from
        case 0x04_70_74_68: .path  // path
        case 0x04_72_63_6B: .rack  // rack
        case 0x04_72_65_71: .rseq  // rseq
        case 0x05_61_6C_77: .allow  // allow
        case 0x05_65_65_74: .event  // event
        case 0x05_72_75_65: .route  // route
        case 0x06_61_63_74: .accept  // accept
        case 0x06_6D_6E_65: .minSE  // min-se
        case 0x06_72_61_6E: .reason  // reason
        case 0x06_73_72_72: .server  // server
        case 0x07_63_6C_64: .callID  // call-id
        case 0x07_63_6E_74: .contact  // contact
        case 0x07_65_70_73: .expires  // expires
        case 0x07_70_69_79: .privacy  // privacy
        case 0x07_72_71_65: .require  // require
        case 0x07_73_62_74: .subject  // subject
        case 0x07_77_72_67: .warning  // warning
        case 0x08_69_65_79: .identity  // identity
        case 0x08_70_69_79: .priority  // priority
        case 0x08_72_66_6F: .referTo  // refer-to
        case 0x08_72_70_6F: .replyTo  // reply-to
        case 0x09_63_6C_6F: .callInfo  // call-info
        case 0x09_64_76_6E: .diversion  // diversion
        case 0x09_73_70_64: .supported  // supported
        case 0x09_74_6D_70: .timestamp  // timestamp
        case 0x0A_61_65_6F: .alertInfo  // alert-info
        case 0x0A_65_72_6F: .errorInfo  // error-info
        case 0x0A_75_65_74: .userAgent  // user-agent
        case 0x0B_69_2D_6F: .inReplyTo  // in-reply-to
        case 0x0B_6D_6E_73: .minExpires  // min-expires
        case 0x0B_72_66_79: .referredBy  // referred-by
        case 0x0B_72_74_72: .retryAfter  // retry-after
        case 0x0B_75_73_64: .unsupported  // unsupported
        case 0x0C_61_6C_73: .allowEvents  // allow-events
        case 0x0C_63_6E_65: .contentType  // content-type
        case 0x0C_6D_6D_6E: .mimeVersion  // mime-version
        case 0x0C_6D_78_73: .maxForwards  // max-forwards
        case 0x0C_6F_67_6E: .organization  // organization
        case 0x0C_72_63_65: .recordRoute  // record-route
        case 0x0D_61_74_6E: .authorization  // authorization
        case 0x0D_70_6F_65: .proxyRequire  // proxy-require
        case 0x0E_61_63_74: .acceptContact  // accept-contact
        case 0x0E_63_6E_68: .contentLength  // content-length
        case 0x0E_72_6A_74: .rejectContact  // reject-contact
        case 0x0F_61_63_65: .acceptLanguage  // accept-language
        case 0x0F_61_63_67: .acceptEncoding  // accept-encoding
        case 0x0F_73_73_73: .sessionExpires  // session-expires
        case 0x10_63_6E_65: .contentLanguage  // content-language
        case 0x10_63_6E_67: .contentEncoding  // content-encoding
        case 0x10_77_77_65: .wwwAuthenticate  // www-authenticate
        case 0x12_70_6F_65: .proxyAuthenticate  // proxy-authenticate
        case 0x13_63_6E_6E: .contentDisposition  // content-disposition
        case 0x13_70_61_79: .pAssertedIdentity  // p-asserted-identity
        case 0x13_70_6F_6E: .proxyAuthorization  // proxy-authorization
        case 0x13_72_71_6E: .requestDisposition  // request-disposition
        case 0x14_70_70_79: .pPreferredIdentity  // p-preferred-identity
        default: nil
        }
    }

    // Nil when `bytes` are not this header's long form in any ASCII case, else whether they are `spelling` exactly.
    private func compare(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        let expected = spellingText
        guard expected.utf8CodeUnitCount == bytes.count else { return nil }
        let wanted = expected.utf8Start
        var exact = true
        for offset in 0..<bytes.count {
            let written = bytes[offset]
            if written != wanted[offset] {
                // Spellings are ASCII, so a non-ASCII written byte never matches here.
                guard ASCIIByte.lower(written) == ASCIIByte.lower(wanted[offset]) else { return nil }
                exact = false
            }
        }
        return exact
    }

    /// Whether `bytes` are exactly `spelling`.
    func isSpelled(_ bytes: UnsafeRawBufferPointer) -> Bool {
        compare(bytes) == true
    }
}
