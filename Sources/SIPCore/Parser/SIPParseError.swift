/// Why bytes could not be read as a SIP message. Compare `code`s; `reason` is for humans.
public struct SIPParseError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let messageTooLarge = Code("messageTooLarge")
        public static let tooManyHeaders = Code("tooManyHeaders")
        public static let lineTooLong = Code("lineTooLong")
        public static let incomplete = Code("incomplete")
        public static let malformedStartLine = Code("malformedStartLine")
        public static let unsupportedVersion = Code("unsupportedVersion")
        public static let malformedHeader = Code("malformedHeader")
        public static let missingHeader = Code("missingHeader")
        public static let invalidContentLength = Code("invalidContentLength")
        public static let bodyTruncated = Code("bodyTruncated")
        public static let invalidURI = Code("invalidURI")
        public static let unsupportedURIScheme = Code("unsupportedURIScheme")
        public static let invalidHeaderValue = Code("invalidHeaderValue")
    }

    public let code: Code
    /// Human-readable detail; never contains a whole header value (it may carry numbers).
    public let reason: String
    public let file: String
    public let line: Int

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "SIPParseError.\(code): \(reason)" }

    public static func == (lhs: SIPParseError, rhs: SIPParseError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
