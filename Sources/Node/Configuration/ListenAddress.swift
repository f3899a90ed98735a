/// One socket the node listens on: `udp:127.0.0.1:5060`, `tcp:[::1]:5060`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// UDP or TCP.
    public var transport: SIPTransportKind
    /// Host name or IP literal to bind, without brackets.
    public var host: String
    /// Port to bind, 1...65535.
    public var port: Int

    /// Creates a listen address without validation (the demo uses this to pick its own ports).
    public init(transport: SIPTransportKind, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Parses `transport:host:port` where transport is `udp` or `tcp`.
    public init(parsing text: String) throws(ConfigurationValueError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ConfigurationValueError(
                .invalidListenAddress,
                "expected \"transport:host:port\" (e.g. \"udp:127.0.0.1:5060\"), got \(quoted(text))"
            )
        }
        self.transport = try SIPTransportKind(parsing: String(text[..<colon]))
        let hostPort = try HostAndPort(parsing: String(text[text.index(after: colon)...]))
        self.host = hostPort.host
        self.port = hostPort.port
    }

    public var description: String {
        "\(self.transport):\(HostAndPort(host: self.host, port: self.port))"
    }
}
