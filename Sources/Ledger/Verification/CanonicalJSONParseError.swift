/// A JSON text that the strict parser refused: what is wrong (`code`), where (`offset`) and why (`reason`).
public struct CanonicalJSONParseError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// The text ended inside a value.
        public static let unexpectedEnd = Code("unexpectedEnd")
        /// A byte that cannot start or continue a value here.
        public static let unexpectedByte = Code("unexpectedByte")
        /// Bytes after the one top-level value.
        public static let trailingBytes = Code("trailingBytes")
        /// A backslash escape JSON does not define, or a broken `\uXXXX` (bad hex, lone surrogate).
        public static let invalidEscape = Code("invalidEscape")
        /// A raw control character (below 0x20) inside a string.
        public static let controlCharacterInString = Code("controlCharacterInString")
        /// String bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// A malformed number (leading zero, lone minus sign).
        public static let invalidNumber = Code("invalidNumber")
        /// A number with a fraction or an exponent: records hold integers only.
        public static let fractionNotAllowed = Code("fractionNotAllowed")
        /// An integer outside the 64-bit signed range.
        public static let integerOutOfRange = Code("integerOutOfRange")
        /// The same key twice in one object.
        public static let duplicateKey = Code("duplicateKey")
        /// Objects and arrays nested deeper than the parser's limit.
        public static let depthLimitExceeded = Code("depthLimitExceeded")
        /// A text longer than the parser's limit.
        public static let sizeLimitExceeded = Code("sizeLimitExceeded")
        /// Valid JSON, but re-serializing it canonically gives different bytes.
        public static let notCanonical = Code("notCanonical")
    }

    /// The kind of failure.
    public let code: Code
    /// The 0-based byte offset in the text where the problem was found.
    public let offset: Int
    /// A human explanation.
    public let reason: String
    /// The source file that raised the error.
    public let file: String
    /// The source line that raised the error.
    public let line: Int

    /// An error with `code` at byte `offset`, located at the caller.
    public init(_ code: Code, offset: Int, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code) at byte \(offset): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.offset == rhs.offset }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
    }
}
