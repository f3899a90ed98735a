/// How a `NATSClient` connects, stays alive, reconnects and bounds its memory.
public struct NATSClientOptions: Sendable {
    /// The client name shown by the server (`CONNECT name`).
    public var name: String?
    /// Credentials for servers that ask for them; a URL's own user-info wins for that URL.
    public var auth: NATSAuth = .none
    public var tls = NATSTLSOptions()
    public var reconnect = NATSReconnectPolicy()
    /// TCP connect timeout per attempt.
    public var connectTimeout: Duration = .seconds(2)
    /// From TCP connect to the handshake PONG.
    public var handshakeTimeout: Duration = .seconds(5)
    /// Client PING interval; `maxPingsOutstanding` unanswered PINGs make the connection stale.
    public var pingInterval: Duration = .seconds(120)
    public var maxPingsOutstanding = 2
    /// Bytes of publishes kept while reconnecting; past it `publish` throws `reconnectBufferFull`.
    public var reconnectBufferLimit = 8 * 1024 * 1024
    /// Bytes handed to the socket but not yet written; past it `publish` waits (back-pressure).
    public var maxPendingOutboundBytes = 8 * 1024 * 1024
    /// Requests (JetStream calls included) awaiting a reply at once; more wait for a slot.
    public var maxInFlightRequests = 1024
    /// Default timeout of `request` and JetStream API calls.
    public var requestTimeout: Duration = .seconds(5)
    /// Messages queued per subscription for a slow reader; more are dropped and logged (slow consumer).
    public var subscriptionBufferLimit = 65_536
    /// Learn other servers of the cluster from INFO `connect_urls`.
    public var discoverServers = true
    /// `false` asks the server not to send us our own publishes.
    public var echo: Bool?

    public init(name: String? = nil, auth: NATSAuth = .none) {
        self.name = name
        self.auth = auth
    }
}

/// TLS settings; TLS is used for `tls://` URLs, when `required`, or when the server's INFO requires it.
public struct NATSTLSOptions: Sendable, Hashable {
    /// Use TLS on every server, also `nats://` ones.
    public var required = false
    /// A PEM file of CA certificates to trust instead of the system roots.
    public var caFile: String?

    public init(required: Bool = false, caFile: String? = nil) {
        self.required = required
        self.caFile = caFile
    }
}
