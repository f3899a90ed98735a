import Foundation

/// The JSON of a server `INFO` line (the subset a client needs; unknown keys are ignored).
public struct NATSServerInfo: Sendable, Hashable, Decodable {
    public var serverID: String
    public var serverName: String?
    public var version: String
    public var proto: Int
    public var host: String?
    public var port: Int?
    public var headers: Bool
    public var maxPayload: Int
    public var authRequired: Bool
    public var tlsRequired: Bool
    public var tlsAvailable: Bool
    public var jetstream: Bool
    public var clientID: UInt64?
    public var clientIP: String?
    public var nonce: String?
    public var cluster: String?
    public var connectURLs: [String]
    /// Lame-duck mode: the server is about to shut down; reconnect elsewhere.
    public var lameDuckMode: Bool

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id"
        case serverName = "server_name"
        case version, proto, host, port, headers
        case maxPayload = "max_payload"
        case authRequired = "auth_required"
        case tlsRequired = "tls_required"
        case tlsAvailable = "tls_available"
        case jetstream
        case clientID = "client_id"
        case clientIP = "client_ip"
        case nonce, cluster
        case connectURLs = "connect_urls"
        case lameDuckMode = "ldm"
    }

    public init(
        serverID: String, serverName: String? = nil, version: String, proto: Int = 1,
        host: String? = nil, port: Int? = nil, headers: Bool = false, maxPayload: Int,
        authRequired: Bool = false, tlsRequired: Bool = false, tlsAvailable: Bool = false,
        jetstream: Bool = false, clientID: UInt64? = nil, clientIP: String? = nil,
        nonce: String? = nil, cluster: String? = nil, connectURLs: [String] = [], lameDuckMode: Bool = false
    ) {
        self.serverID = serverID
        self.serverName = serverName
        self.version = version
        self.proto = proto
        self.host = host
        self.port = port
        self.headers = headers
        self.maxPayload = maxPayload
        self.authRequired = authRequired
        self.tlsRequired = tlsRequired
        self.tlsAvailable = tlsAvailable
        self.jetstream = jetstream
        self.clientID = clientID
        self.clientIP = clientIP
        self.nonce = nonce
        self.cluster = cluster
        self.connectURLs = connectURLs
        self.lameDuckMode = lameDuckMode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.serverID = try c.decode(String.self, forKey: .serverID)
        self.serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
        self.version = try c.decode(String.self, forKey: .version)
        self.proto = try c.decodeIfPresent(Int.self, forKey: .proto) ?? 0
        self.host = try c.decodeIfPresent(String.self, forKey: .host)
        self.port = try c.decodeIfPresent(Int.self, forKey: .port)
        self.headers = try c.decodeIfPresent(Bool.self, forKey: .headers) ?? false
        self.maxPayload = try c.decode(Int.self, forKey: .maxPayload)
        self.authRequired = try c.decodeIfPresent(Bool.self, forKey: .authRequired) ?? false
        self.tlsRequired = try c.decodeIfPresent(Bool.self, forKey: .tlsRequired) ?? false
        self.tlsAvailable = try c.decodeIfPresent(Bool.self, forKey: .tlsAvailable) ?? false
        self.jetstream = try c.decodeIfPresent(Bool.self, forKey: .jetstream) ?? false
        self.clientID = try c.decodeIfPresent(UInt64.self, forKey: .clientID)
        self.clientIP = try c.decodeIfPresent(String.self, forKey: .clientIP)
        self.nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
        self.cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        self.connectURLs = try c.decodeIfPresent([String].self, forKey: .connectURLs) ?? []
        self.lameDuckMode = try c.decodeIfPresent(Bool.self, forKey: .lameDuckMode) ?? false
    }
}
