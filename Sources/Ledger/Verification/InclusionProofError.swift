/// Why an inclusion proof could not be built or does not verify.
public struct InclusionProofError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// No record with that kind and seq, or that CDR id.
        public static let recordNotFound = Code("recordNotFound")
        /// No checkpoint covers the record yet.
        public static let notCovered = Code("notCovered")
        /// The data directory fails verification where the proof needs it.
        public static let ledgerBroken = Code("ledgerBroken")
        /// The proof document is not the JSON this format describes.
        public static let malformedDocument = Code("malformedDocument")
        /// The record's `hash` does not recompute.
        public static let recordHashMismatch = Code("recordHashMismatch")
        /// The audit path does not lead from the record to the root.
        public static let inclusionInvalid = Code("inclusionInvalid")
        /// The checkpoint's signature (or its own hash) does not verify.
        public static let checkpointInvalid = Code("checkpointInvalid")
        /// The checkpoint does not list this chain with the proof's tree size and root, or is from another node.
        public static let checkpointMismatch = Code("checkpointMismatch")
        /// The checkpoint is signed by another key than the one the verifier trusts.
        public static let keyMismatch = Code("keyMismatch")
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

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
