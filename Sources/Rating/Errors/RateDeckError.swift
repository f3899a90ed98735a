/// A refused rate deck: names the deck, the line (1 = header) and the column of the first bad value.
///
/// A deck with any error is refused whole; the caller keeps the deck it had.
public struct RateDeckError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The file could not be opened or read.
        public static let unreadable = Code("unreadable")
        /// The file is larger than `RateDeckLimits.maxBytes`.
        public static let tooLarge = Code("tooLarge")
        /// The deck has more data rows than `RateDeckLimits.maxRows`.
        public static let tooManyRows = Code("tooManyRows")
        /// The bytes are not UTF-8, or the CSV itself is malformed (quotes, line breaks inside a field).
        public static let malformedCSV = Code("malformedCSV")
        /// The header row is missing, names an unknown column, names one twice or lacks one.
        public static let invalidHeader = Code("invalidHeader")
        /// A row has more or fewer fields than the header.
        public static let wrongFieldCount = Code("wrongFieldCount")
        /// A required value is empty.
        public static let missingValue = Code("missingValue")
        /// The prefix is not 1 to `RateDeckLimits.maxPrefixDigits` ASCII digits.
        public static let invalidPrefix = Code("invalidPrefix")
        /// A rate or fee is not an exact decimal with at most six fraction digits, or exceeds the cap.
        public static let invalidAmount = Code("invalidAmount")
        /// A rate or fee is negative.
        public static let negativeAmount = Code("negativeAmount")
        /// The currency is not three upper-case ASCII letters.
        public static let invalidCurrency = Code("invalidCurrency")
        /// The price unit is neither `per-min` nor `per-msg`.
        public static let invalidPriceUnit = Code("invalidPriceUnit")
        /// An increment is not a positive whole number of seconds within the cap.
        public static let invalidIncrement = Code("invalidIncrement")
        /// The minimum duration is not a whole number of seconds from 0 to the cap.
        public static let invalidDuration = Code("invalidDuration")
        /// An effective time is not RFC 3339 UTC, or `effective_until` is not after `effective_from`.
        public static let invalidTimestamp = Code("invalidTimestamp")
        /// A second row has the same prefix and `effective_from`.
        public static let duplicateRow = Code("duplicateRow")
        /// Two rows of the same prefix are in force at the same instant.
        public static let overlappingPeriod = Code("overlappingPeriod")
        /// The deck has no data rows.
        public static let empty = Code("empty")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// The deck's name (its file name).
    public let deck: String
    /// The 1-based line of the offending row (the header is line 1); 0 when the whole file is at fault.
    public let line: Int
    /// The header name of the offending column, when one column is at fault.
    public let column: String?
    /// A human explanation.
    public let reason: String
    /// Where the error was raised.
    public let sourceFile: String
    /// The source line where the error was raised.
    public let sourceLine: Int

    /// Creates an error at the caller's location.
    public init(
        _ code: Code, deck: String, line: Int, column: String? = nil, reason: String,
        sourceFile: String = #fileID, sourceLine: Int = #line
    ) {
        self.code = code
        self.deck = deck
        self.line = line
        self.column = column
        self.reason = reason
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// `deck:line: column: reason`, the way an operator reads it.
    public var description: String {
        let place = column.map { " column \($0)" } ?? ""
        return "RateDeckError.\(code): \(deck):\(line)\(place): \(reason) (\(sourceFile):\(sourceLine))"
    }
}
