public import NIOCore

/// Where and how an `SFTPClient` connects.
public struct SFTPClientConfiguration: Sendable {
    /// The one credential offered to the server.
    public enum Authentication: Sendable, CustomStringConvertible {
        /// An unencrypted OpenSSH private key file (Ed25519 or ECDSA P-256).
        case privateKey(path: String)
        case password(String)

        /// Never prints the password.
        public var description: String {
            switch self {
            case .privateKey(let path): "privateKey(\(path))"
            case .password: "password(<redacted>)"
            }
        }
    }

    /// How the server's host key is checked. There is deliberately no "accept any" policy.
    public enum HostKeyPolicy: Sendable {
        /// Accept only a key the file lists for `[host]:port` (or `host` on port 22).
        case knownHosts(path: String)
    }

    public var host: String
    public var port: Int
    public var user: String
    public var authentication: Authentication
    public var hostKeyPolicy: HostKeyPolicy
    /// TCP connect plus SSH handshake and authentication.
    public var connectTimeout: TimeAmount
    /// Longest wait for any single SFTP answer; on expiry the session is closed.
    public var requestTimeout: TimeAmount
    /// Bytes per WRITE/READ request. OpenSSH accepts up to 256 KiB; 32 KiB is what its own client uses.
    public var chunkSize: Int
    /// WRITE/READ requests in flight at once (OpenSSH's client default is 64).
    public var maximumOutstandingRequests: Int

    public init(
        host: String,
        port: Int = 22,
        user: String,
        authentication: Authentication,
        hostKeyPolicy: HostKeyPolicy,
        connectTimeout: TimeAmount = .seconds(10),
        requestTimeout: TimeAmount = .seconds(30),
        chunkSize: Int = 32 * 1024,
        maximumOutstandingRequests: Int = 64
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.authentication = authentication
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.chunkSize = max(1, min(chunkSize, 255 * 1024))
        self.maximumOutstandingRequests = max(1, maximumOutstandingRequests)
    }
}
