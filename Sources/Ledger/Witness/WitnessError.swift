/// Why a checkpoint line, a publication body or a stored peer state was refused before any judging.
///
/// These are refusals of the bytes themselves (a witness answers them with 488); what a well-formed
/// checkpoint says about the peer's history is a `WitnessAlert` from `WitnessJudge` instead.
public struct WitnessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// The body or line is longer than its limit.
        public static let tooLarge = Code("tooLarge")
        /// The bytes are not JSON, or not the members and types the format names.
        public static let malformed = Code("malformed")
        /// The checkpoint's `hash` does not recompute from the rest of the line.
        public static let hashMismatch = Code("hashMismatch")
        /// A consistency proof does not fit its checkpoint: missing or extra kind, wrong `to_size`, too long a path.
        public static let proofMismatch = Code("proofMismatch")
        /// `make` was given no tree, or one too small or with other roots, for a kind the checkpoint covers.
        public static let treeMismatch = Code("treeMismatch")
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
