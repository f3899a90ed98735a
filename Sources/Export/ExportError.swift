/// Why an export failed. `retryable` failures stay queued and are retried with exponential backoff; the others
/// (a configuration the target refuses, a file that no longer matches its manifest) stay queued too but are reported
/// at error level, because waiting will not fix them.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The target could not be reached (connection refused, DNS, TLS, timeout).
        public static let unreachable = Code("unreachable")
        /// Credentials refused (401/403, SSH auth failure, unknown host key).
        public static let authentication = Code("authentication")
        /// The target answered with an error (4xx/5xx other than auth, SFTP status).
        public static let rejected = Code("rejected")
        /// The target stored something other than what was sent (size or checksum mismatch).
        public static let verificationFailed = Code("verificationFailed")
        /// The local file or manifest is missing, unreadable or does not match.
        public static let localFile = Code("localFile")
        /// The exporter's configuration cannot work (bad endpoint, missing key file).
        public static let configuration = Code("configuration")
        public var description: String { name }
    }

    public var code: Code
    /// What happened, without credentials.
    public var reason: String
    /// Whether a later retry may succeed.
    public var retryable: Bool

    public init(_ code: Code, reason: String, retryable: Bool) {
        self.code = code
        self.reason = reason
        self.retryable = retryable
    }

    public var description: String { "\(code): \(reason)" }
}
