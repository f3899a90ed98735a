/// The NATS connection of the `jetstream` streams (`[nats]`).
public struct NATSSettings: Sendable, Hashable {
    /// Server URLs, `nats://host:port` or `tls://host:port` (`urls`).
    public var urls: [String]
    /// User name (`user`, with `password`).
    public var user: String?
    /// Password (`password`).
    public var password: String?
    /// Token (`token`; not with `user`).
    public var token: String?
    /// PEM file of CA certificates for TLS (`tls_ca_file`).
    public var tlsCAFile: String?
    /// JetStream's `Nats-Msg-Id` dedupe window, set when the node creates a stream (`duplicate_window_s`).
    public var duplicateWindow: Duration
    /// How long a publish waits for its acknowledgement (`publish_timeout_ms`).
    public var publishTimeout: Duration
    /// Publishes awaiting their acknowledgement at once, per stream (`max_in_flight`).
    public var maxInFlight: Int

    /// Default `urls`.
    public static let defaultURLs = ["nats://127.0.0.1:4222"]
    /// Default `duplicate_window_s` (10 minutes).
    public static let defaultDuplicateWindow = Duration.seconds(600)
    /// Default `publish_timeout_ms`.
    public static let defaultPublishTimeout = Duration.milliseconds(5000)
    /// Default `max_in_flight`.
    public static let defaultMaxInFlight = 256

    /// Settings; every argument defaults to the documented default.
    public init(
        urls: [String] = NATSSettings.defaultURLs,
        user: String? = nil,
        password: String? = nil,
        token: String? = nil,
        tlsCAFile: String? = nil,
        duplicateWindow: Duration = NATSSettings.defaultDuplicateWindow,
        publishTimeout: Duration = NATSSettings.defaultPublishTimeout,
        maxInFlight: Int = NATSSettings.defaultMaxInFlight
    ) {
        self.urls = urls
        self.user = user
        self.password = password
        self.token = token
        self.tlsCAFile = tlsCAFile
        self.duplicateWindow = duplicateWindow
        self.publishTimeout = publishTimeout
        self.maxInFlight = maxInFlight
    }
}
