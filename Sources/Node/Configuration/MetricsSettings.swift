/// The Prometheus metrics endpoint (`[metrics]`): where `GET <path>` serves the node's metrics in the text
/// exposition format. Absent section: no endpoint (docs/operations.md, "Metrics").
public struct MetricsSettings: Sendable, Hashable {
    /// TCP socket of the HTTP endpoint (`[metrics] listen`); an IP literal, meant for a management address.
    public var listen: HostAndPort
    /// The one path served (`[metrics] path`); every other path gets 404.
    public var path: String

    /// Default `[metrics] listen`: loopback, the port Prometheus' own exporters leave for apps (9464).
    public static let defaultListen = HostAndPort(host: "127.0.0.1", port: 9464)
    /// Default `[metrics] path`.
    public static let defaultPath = "/metrics"
    /// Longest `path` accepted, in bytes; a scrape target's path is short and a long one is a mistake.
    public static let maxPathBytes = 256

    /// Creates settings without validation (tests and the demo pick their own ports).
    public init(listen: HostAndPort = MetricsSettings.defaultListen, path: String = MetricsSettings.defaultPath) {
        self.listen = listen
        self.path = path
    }

    /// Parses `listen` (`"ip:port"`, IPv6 in brackets) and `path`. A host name is refused: the endpoint binds one
    /// address, and resolving a name at start-up could put it on a public interface by surprise.
    public init(parsingListen listen: String, path: String) throws(ConfigurationValueError) {
        let hostPort = try HostAndPort(parsing: listen)
        guard IPAddress(parsing: hostPort.host) != nil else {
            throw ConfigurationValueError(
                .invalidHostPort, "host must be an IP address (e.g. \"127.0.0.1:9464\"), got \(quoted(listen))"
            )
        }
        try Self.validatePath(path)
        self.init(listen: hostPort, path: path)
    }

    // Compared byte for byte with the request target's path: no query, fragment, spaces or control characters.
    private static func validatePath(_ path: String) throws(ConfigurationValueError) {
        let visible = path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard path.hasPrefix("/"), path.utf8.count <= Self.maxPathBytes, visible else {
            throw ConfigurationValueError(
                .invalidHTTPPath,
                "must start with \"/\" and be at most \(Self.maxPathBytes) visible ASCII characters without \"?\" or \"#\", got \(quoted(path))"
            )
        }
    }
}
