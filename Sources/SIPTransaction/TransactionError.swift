/// An event the state machine cannot accept in its current state, or input it cannot use.
public struct TransactionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case invalidEvent
            case invalidStatusCode
            case foreignTimer
            case missingMagicCookie
            case emptyField
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The event is not allowed in the machine's current state (a driver or TU bug).
        public static let invalidEvent = Code(.invalidEvent)
        /// A status code outside 100...699.
        public static let invalidStatusCode = Code(.invalidStatusCode)
        /// A timer this kind of machine never starts.
        public static let foreignTimer = Code(.foreignTimer)
        /// A Via branch without the RFC 3261 magic cookie `z9hG4bK`.
        public static let missingMagicCookie = Code(.missingMagicCookie)
        /// A required matching field (branch, host, method) is empty.
        public static let emptyField = Code(.emptyField)

        public var description: String {
            switch base {
            case .invalidEvent: "invalidEvent"
            case .invalidStatusCode: "invalidStatusCode"
            case .foreignTimer: "foreignTimer"
            case .missingMagicCookie: "missingMagicCookie"
            case .emptyField: "emptyField"
            }
        }
    }

    /// The error's category.
    public let code: Code
    /// A human-readable explanation; never contains message contents.
    public let reason: String
    /// The source file that raised the error.
    public let file: String
    /// The source line that raised the error.
    public let line: Int

    /// Creates an error recording where it was raised.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    // Errors are equal when their codes are: the reason and location are diagnostics.
    public static func == (lhs: TransactionError, rhs: TransactionError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    public var description: String {
        "TransactionError.\(code): \(reason) (\(file):\(line))"
    }
}
