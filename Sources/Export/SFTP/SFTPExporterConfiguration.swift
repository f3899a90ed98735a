public import NIOCore

/// One `[[exporters]] type = "sftp"` target.
public struct SFTPExporterConfiguration: Sendable {
    /// `private_key_file` or `password`.
    public enum Credential: Sendable, CustomStringConvertible {
        /// An unencrypted OpenSSH Ed25519 or ECDSA P-256 private key file.
        case privateKeyFile(String)
        case password(String)

        public var description: String {
            switch self {
            case .privateKeyFile(let path): "private_key_file \(path)"
            case .password: "password <redacted>"
            }
        }
    }

    public var host: String
    public var port: Int
    public var user: String
    public var credential: Credential
    /// `known_hosts_file`: the server's host key must be listed here (`[host]:port ssh-ed25519 AAAA…`).
    public var knownHostsFile: String
    /// `remote_dir`: absolute, or relative to the user's login directory. Files land at `<remote_dir>/<kind>/<file>`.
    public var remoteDirectory: String
    /// Mode set on every uploaded file with FSETSTAT, so readers do not depend on the server's umask.
    public var filePermissions: UInt32
    public var connectTimeout: TimeAmount
    public var requestTimeout: TimeAmount

    public init(
        host: String,
        port: Int = 22,
        user: String,
        credential: Credential,
        knownHostsFile: String,
        remoteDirectory: String,
        filePermissions: UInt32 = 0o644,
        connectTimeout: TimeAmount = .seconds(10),
        requestTimeout: TimeAmount = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.credential = credential
        self.knownHostsFile = knownHostsFile
        self.remoteDirectory = remoteDirectory
        self.filePermissions = filePermissions
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }
}
