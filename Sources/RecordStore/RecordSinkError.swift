/// A failure of a record sink: at start (data directory, files) or while writing.
public struct RecordSinkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The node id cannot be used in a file name.
        public static let invalidNodeID = Code("invalidNodeID")
        /// The data directory or a kind folder in it could not be created.
        public static let dataDirectoryUnavailable = Code("dataDirectoryUnavailable")
        /// A record file could not be opened.
        public static let fileOpenFailed = Code("fileOpenFailed")
        /// `write(2)` failed; the lines stay pending and are retried.
        public static let writeFailed = Code("writeFailed")
        /// `fsync(2)` failed after the lines were written.
        public static let syncFailed = Code("syncFailed")
        /// Records were emitted after `close()`; they were not written.
        public static let closed = Code("closed")
        /// Another node or sink holds the data directory's lock.
        public static let dataDirectoryLocked = Code("dataDirectoryLocked")
        /// Existing record files could not be read, quarantined or truncated at start.
        public static let recoveryFailed = Code("recoveryFailed")
        /// An existing chain is broken before its last line (hash, `seq` or `prev_hash` wrong, or another node's
        /// records); the reason names the file and line. The node refuses to start rather than fork the chain.
        public static let chainBroken = Code("chainBroken")
        /// A record named another node than the sink's; it was written under the sink's node id.
        public static let recordNodeMismatch = Code("recordNodeMismatch")
        /// The checkpoint interval is not positive.
        public static let invalidCheckpointInterval = Code("invalidCheckpointInterval")
        /// The node's Ed25519 signing key could not be loaded or created.
        public static let signingKeyUnavailable = Code("signingKeyUnavailable")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A human explanation with the path and the system error, if any.
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
        "RecordSinkError.\(code): \(reason) (\(file):\(line))"
    }
}
