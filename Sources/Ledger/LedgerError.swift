/// An error from the ledger: what went wrong (`code`), why (`reason`) and where it was raised.
public struct LedgerError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        // Internal so every code is declared inside the Ledger module, yet any file of it may add one.
        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// A tree size beyond the number of leaves appended so far.
        public static let treeSizeOutOfRange = Code("treeSizeOutOfRange")
        /// A leaf index not below the tree size it is proven against.
        public static let leafIndexOutOfRange = Code("leafIndexOutOfRange")
        /// A consistency proof asked for an old size larger than the new size.
        public static let invalidConsistencyRange = Code("invalidConsistencyRange")
        /// A key file exists but does not hold what the format says.
        public static let keyFileCorrupt = Code("keyFileCorrupt")
        /// The public key file does not belong to the private key beside it (or has no private key).
        public static let keyFileMismatch = Code("keyFileMismatch")
        /// A key file or the keys directory could not be read, created or written.
        public static let keyFileIO = Code("keyFileIO")
        /// The Ed25519 implementation refused to sign.
        public static let signingFailed = Code("signingFailed")
    }

    /// The kind of failure.
    public var code: Code
    /// A human explanation; never contains key material.
    public var reason: String
    /// The source file that raised the error.
    public var file: String
    /// The source line that raised the error.
    public var line: Int

    /// An error with `code` and `reason`, located at the caller.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String {
        "LedgerError.\(code): \(reason) (\(file):\(line))"
    }
}
