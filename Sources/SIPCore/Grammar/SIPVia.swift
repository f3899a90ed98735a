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
        // sent-protocol = "SIP" / "2.0" / transport, with optional LWS around the slashes.
        var remainder = bytes.trimmed(range)
        var protocolParts: [Range<Int>] = []
        for _ in 0..<3 {
            remainder = bytes.droppingBlanks(remainder)
            var end = remainder.lowerBound
            while end < remainder.upperBound, bytes[end] != UInt8(ascii: "/"), !ASCIIByte.isBlank(bytes[end]) { end += 1 }
            protocolParts.append(remainder.lowerBound..<end)
            remainder = bytes.droppingBlanks(end..<remainder.upperBound)
            if protocolParts.count < 3 {
                guard bytes.hasPrefix(UInt8(ascii: "/"), in: remainder) else {
                    throw SIPParseError(.invalidHeaderValue, "Via sent-protocol malformed")
                }
                remainder = remainder.lowerBound + 1..<remainder.upperBound
            }
        }
        guard bytes.equalsIgnoringCase(protocolParts[0], "SIP"), bytes.string(protocolParts[1]) == "2.0", !protocolParts[2].isEmpty else {
            throw SIPParseError(.invalidHeaderValue, "Via sent-protocol is not SIP/2.0")
        }
        transport = bytes.uppercasedString(protocolParts[2])
        let semicolon = bytes.firstIndex(of: UInt8(ascii: ";"), in: remainder) ?? remainder.upperBound
        do {
            (host, port) = try SIPURI.splitHostPort(bytes, bytes.trimmed(remainder.lowerBound..<semicolon))
        } catch {
            throw SIPParseError(.invalidHeaderValue, "Via sent-by malformed")
        }
        parameters = SIPParameters(bytes, semicolon..<remainder.upperBound)
    }

    public var branch: String? { parameters["branch"] ?? nil }

    /// `host:port` as written in sent-by (port 5060 implied when absent is *not* filled in).
    public var sentBy: String {
        if let port { return "\(host):\(port)" }
        return host
    }

    public var description: String {
        var out = "SIP/2.0/" + transport + " " + host
        if let port { out += ":" + String(port) }
        out += parameters.serialized
        return out
    }
}
