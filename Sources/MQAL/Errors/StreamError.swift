/// A failure of a stream backend, a publisher's cursor, or reading a chain or a local stream.
///
/// Compare `code` only; `reason` is for humans (paths, the broker's text) and never carries credentials.
public struct StreamError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The broker cannot be reached or has no stream for the subject; retried with backoff.
        public static let unavailable = Code("unavailable")
        /// No acknowledgement within the publish timeout; retried with backoff.
        public static let timeout = Code("timeout")
        /// The broker answered with an error (a JetStream API error); retried with backoff, logged.
        public static let rejected = Code("rejected")
        /// A local file could not be created, written, synced or renamed.
        public static let storageFailed = Code("storageFailed")
        /// A complete entry of a local stream does not decode or its checksum does not match: evidence, not repaired.
        public static let corruptStream = Code("corruptStream")
        /// A local stream ends in an entry without its `\n` (a write cut short by a crash).
        public static let tornEntry = Code("tornEntry")
        /// A chain line could not be read as a record (`node`, `kind`, `seq` missing), or the chain has a gap.
        public static let chainUnreadable = Code("chainUnreadable")
        /// A cursor file exists but cannot be read or parsed.
        public static let cursorUnreadable = Code("cursorUnreadable")
        /// The backend was closed.
        public static let closed = Code("closed")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A human explanation.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// Creates an error at the caller's location.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The code, reason and location.
    public var description: String {
        "StreamError.\(code): \(reason) (\(file):\(line))"
    }

    /// Whether a later attempt may succeed without anyone changing anything (the broker coming back).
    public var isTransient: Bool {
        code == .unavailable || code == .timeout || code == .rejected || code == .storageFailed
    }
}
