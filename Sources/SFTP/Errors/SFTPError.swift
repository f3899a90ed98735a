/// Why an SFTP operation failed: a code to compare, a reason for humans, and where it was raised.
///
/// Reasons never carry passwords or key material; paths and server messages may appear.
public struct SFTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A packet that does not follow draft-ietf-secsh-filexfer-02 (short, trailing bytes, unknown type).
        public static let malformedPacket = Code("malformedPacket")
        /// A packet longer than the decoder's cap.
        public static let packetTooLarge = Code("packetTooLarge")
        /// The server speaks an SFTP version other than 3.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A well-formed answer that does not fit the request (e.g. DATA for an OPEN).
        public static let unexpectedResponse = Code("unexpectedResponse")
        /// The server answered SSH_FXP_STATUS with an error; see `SFTPError.status`.
        public static let status = Code("status")
        /// TCP connect failed (refused, unreachable, DNS).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection or channel closed while requests were outstanding.
        public static let connectionClosed = Code("connectionClosed")
        /// No answer within the configured time.
        public static let timeout = Code("timeout")
        /// The server refused every offered credential.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The server's host key is not in the known-hosts file.
        public static let unknownHostKey = Code("unknownHostKey")
        /// The known-hosts file lists another key of this type for the host.
        public static let hostKeyMismatch = Code("hostKeyMismatch")
        /// The private key file is unreadable, not OpenSSH format, or of an unsupported type.
        public static let invalidPrivateKey = Code("invalidPrivateKey")
        /// The private key file is passphrase-protected, which this client does not support.
        public static let encryptedPrivateKey = Code("encryptedPrivateKey")
        /// The known-hosts file cannot be read.
        public static let invalidKnownHosts = Code("invalidKnownHosts")
        /// The server refused the `sftp` subsystem on the session channel.
        public static let subsystemRefused = Code("subsystemRefused")
        /// The SSH layer failed in a way none of the codes above describe.
        public static let ssh = Code("ssh")
    }

    public let code: Code
    public let reason: String
    /// The server's status code when `code == .status`.
    public let status: SFTPStatusCode?
    public let file: String
    public let line: Int

    public init(_ code: Code, _ reason: String, status: SFTPStatusCode? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.status = status
        self.file = file
        self.line = line
    }

    public var description: String {
        if let status { return "\(code)(\(status)): \(reason)" }
        return "\(code): \(reason)"
    }

    // Errors compare by code (and status) only, so tests and callers never depend on wording.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.status == rhs.status }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(status)
    }
}
