/// One Via element (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=...;rport;received=...`.
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    /// Transport token, upper-cased (`UDP`, `TCP`, `TLS`, ...).
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters

    /// RFC 3261 branch magic cookie.
    public static let magicCookie = "z9hG4bK"

    public init(transport: String, host: String, port: Int?, branch: String) {
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = SIPParameters()
        self.parameters.set("branch", branch)
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        self = try text.withSIPBytes { bytes throws(SIPParseError) in try SIPVia(bytes, bytes.all) }
    }

    /// Parses the Via element in `range` of `bytes`.
    init(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) {
        let scanned = try Self.scan(bytes, range)
        transport = bytes.uppercasedString(scanned.transport)
        host = bytes.string(scanned.host)
        port = scanned.port
        parameters = SIPParameters(bytes, scanned.parameters)
    }

    /// Where the parts of a Via element are, checked but not built (the parser validates the top Via of every
    /// message this way, and the engine parses it once more to read it).
    struct Scanned {
        var transport: Range<Int>
        var host: Range<Int>
        var port: Int?
        var parameters: Range<Int>
    }

    /// Checks the Via element in `range`; throws exactly what `init(_:_:)` throws for the same bytes.
    static func scan(_ bytes: SIPBytes, _ range: Range<Int>) throws(SIPParseError) -> Scanned {
        // sent-protocol = "SIP" / "2.0" / transport, with optional LWS around the slashes. Three words in
        // locals rather than an array: this runs for every message.
        var remainder = bytes.trimmed(range)
        var name = remainder.lowerBound..<remainder.lowerBound
        var version = name
        var transport = name
        for part in 0..<3 {
            remainder = bytes.droppingBlanks(remainder)
            var end = remainder.lowerBound
            while end < remainder.upperBound, bytes[end] != UInt8(ascii: "/"), !ASCIIByte.isBlank(bytes[end]) { end += 1 }
            let word = remainder.lowerBound..<end
            switch part {
            case 0: name = word
            case 1: version = word
            default: transport = word
            }
            remainder = bytes.droppingBlanks(end..<remainder.upperBound)
            if part < 2 {
                guard bytes.hasPrefix(UInt8(ascii: "/"), in: remainder) else {
                    throw SIPParseError(.invalidHeaderValue, "Via sent-protocol malformed")
                }
                remainder = remainder.lowerBound + 1..<remainder.upperBound
            }
        }
        guard bytes.equalsIgnoringCase(name, "SIP"), bytes.equals(version, "2.0"), !transport.isEmpty else {
            throw SIPParseError(.invalidHeaderValue, "Via sent-protocol is not SIP/2.0")
        }
        let semicolon = bytes.firstIndex(of: UInt8(ascii: ";"), in: remainder) ?? remainder.upperBound
        let host: Range<Int>
        let port: Int?
        do {
            (host, port) = try SIPURI.scanHostPort(bytes, bytes.trimmed(remainder.lowerBound..<semicolon))
        } catch {
            throw SIPParseError(.invalidHeaderValue, "Via sent-by malformed")
        }
        return Scanned(transport: transport, host: host, port: port, parameters: semicolon..<remainder.upperBound)
    }

    public var branch: String? { parameters["branch"] ?? nil }

    /// `host:port` as written in sent-by (port 5060 implied when absent is *not* filled in).
    public var sentBy: String { Self.sentBy(host: host, port: port) }

    static func sentBy(host: String, port: Int?) -> String {
        if let port { return "\(host):\(port)" }
        return host
    }

    public var description: String {
        let length = 9 + transport.utf8.count + host.utf8.count + (port.map { 1 + SIPDecimalText.length($0) } ?? 0) + parameters.textLength
        if let text = String.sipText(capacity: length, { write(to: &$0) }) { return text }
        var out = ""  // Not reached: the length above is exact.
        write(to: &out)
        return out
    }

    /// Writes `description` without building intermediate strings.
    func write(to out: inout some SIPTextOutput) {
        out.write("SIP/2.0/")
        out.write(transport)
        out.write(" ")
        out.write(host: host, port: port)
        parameters.write(to: &out)
    }
}
