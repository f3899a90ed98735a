/// An error in the NATS wire protocol: malformed input from the server, or a command that cannot be encoded.
///
/// Compare `code` only; `reason` is for humans and never contains payload bytes or credentials.
public struct NATSProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of protocol error. Extensible: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case controlLineTooLong
            case missingCarriageReturn
            case unknownOperation
            case invalidArguments
            case payloadTooLarge
            case sizeMismatch
            case invalidHeaders
            case invalidInfo
            case invalidSubject
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A control line exceeded the configured maximum before its CRLF.
        public static let controlLineTooLong = Code(.controlLineTooLong)
        /// A line ended with LF not preceded by CR.
        public static let missingCarriageReturn = Code(.missingCarriageReturn)
        /// The control line does not start with a known operation.
        public static let unknownOperation = Code(.unknownOperation)
        /// The operation's arguments are missing, extra or not numbers where numbers are required.
        public static let invalidArguments = Code(.invalidArguments)
        /// A MSG/HMSG or outgoing payload exceeds the maximum payload.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// Declared sizes do not match the bytes (no CRLF after the payload, header length above total).
        public static let sizeMismatch = Code(.sizeMismatch)
        /// An HMSG header block is malformed, or a header cannot be encoded.
        public static let invalidHeaders = Code(.invalidHeaders)
        /// The INFO JSON could not be decoded.
        public static let invalidInfo = Code(.invalidInfo)
        /// A subject, reply subject or queue group is empty or contains whitespace.
        public static let invalidSubject = Code(.invalidSubject)

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
        "NATSProtocolError.\(self.code): \(self.reason) (\(self.file):\(self.line))"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
