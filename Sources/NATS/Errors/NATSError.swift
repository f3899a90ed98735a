/// An error of the NATS client: connecting, publishing, requests, the server's `-ERR`.
///
/// Compare `code` only; `reason` is for humans and never contains credentials or payload bytes.
public struct NATSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of client error. Extensible: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidURL
            case connectionFailed
            case authorizationViolation
            case tlsFailure
            case staleConnection
            case serverError
            case protocolViolation
            case disconnected
            case connectionClosed
            case reconnectBufferFull
            case timeout
            case noResponders
            case cancelled
            case invalidResponse
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A server URL could not be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// No TCP connection (or no handshake) could be made to any server.
        public static let connectionFailed = Code(.connectionFailed)
        /// The server refused the credentials (`-ERR 'Authorization Violation'`).
        public static let authorizationViolation = Code(.authorizationViolation)
        /// TLS could not be set up (bad CA file, handshake failure).
        public static let tlsFailure = Code(.tlsFailure)
        /// The server did not answer our PINGs in time.
        public static let staleConnection = Code(.staleConnection)
        /// The server sent `-ERR` with another text; the reason carries it.
        public static let serverError = Code(.serverError)
        /// The server broke the protocol (garbage bytes, an operation out of order).
        public static let protocolViolation = Code(.protocolViolation)
        /// The connection was lost; the client is reconnecting.
        public static let disconnected = Code(.disconnected)
        /// The client was closed (or gave up reconnecting).
        public static let connectionClosed = Code(.connectionClosed)
        /// Publishing while reconnecting would exceed the reconnect buffer.
        public static let reconnectBufferFull = Code(.reconnectBufferFull)
        /// A request, flush or JetStream call got no answer in time.
        public static let timeout = Code(.timeout)
        /// A request had no subscriber (status 503), or no stream matched a JetStream publish.
        public static let noResponders = Code(.noResponders)
        /// The waiting task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// A reply could not be understood (JSON that does not decode, a malformed ack subject).
        public static let invalidResponse = Code(.invalidResponse)

        public var description: String { self.base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String {
        "NATSError.\(self.code): \(self.reason) (\(self.file):\(self.line))"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
