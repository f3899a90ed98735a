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
        let value = Substring(String(text).sipTrimmed)
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
        let sentBy = Substring(String(remainder[..<semicolon]).sipTrimmed)
        do {
            (host, port) = try SIPURI.splitHostPort(sentBy)
        } catch {
            throw SIPParseError(.invalidHeaderValue, "Via sent-by malformed")
        }
        parameters = SIPParameters(parsing: remainder[semicolon...])
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
