/// A misuse of `CdrBuilder`; a bug in the session that owns it, never caused by SIP input.
public struct CdrBuilderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// `finish` was called on a builder that already finished.
        public static let alreadyFinished = Code("alreadyFinished")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A human explanation (never contains numbers from the call).
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
        "CdrBuilderError.\(code): \(reason) (\(file):\(line))"
    }
}
