/// Why a reconcile body could not be read or a reconcile answer could not be built.
public struct ReconcileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// A body longer than its limit, or more receipts than a request may carry.
        public static let tooLarge = Code("tooLarge")
        /// A body that is not JSON, or not the members and types the format names.
        public static let malformed = Code("malformed")
        /// The data directory has no checkpoint yet: nothing is signed that could be proven.
        public static let noCheckpoint = Code("noCheckpoint")
        /// The data directory could not be read or does not verify where the answer needs it.
        public static let ledgerBroken = Code("ledgerBroken")
    }

    /// The kind of failure.
    public let code: Code
    /// A human explanation.
    public let reason: String
    /// The source file that raised the error.
    public let file: String
    /// The source line that raised the error.
    public let line: Int

    /// An error with `code` and `reason`, located at the caller.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
