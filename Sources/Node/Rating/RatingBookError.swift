public import Rating

/// Why rating could not be set up or could not price; `description` is one line.
public struct RatingBookError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; compare codes, not descriptions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidDeck
            case invalidSettings
            case unknownProvider
            case pricing
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A rate deck named in the configuration could not be read or was refused (`deckError` says where).
        public static let invalidDeck = Code(.invalidDeck)
        /// A `[rating]` or provider limit value that Rating refuses (`ratingError` says why).
        public static let invalidSettings = Code(.invalidSettings)
        /// A provider id that is not in the route being priced.
        public static let unknownProvider = Code(.unknownProvider)
        /// Rating refused to price (unit or currency mismatch, overflow; `ratingError` says which).
        public static let pricing = Code(.pricing)

        public var description: String { self.base.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// The configuration key the failure belongs to (`customers[0].rate_deck`, `rating`), or empty.
    public var keyPath: String
    /// One line for an operator: for a deck, `<path>:<line> column <column>: <reason> (<code>)`.
    public var reason: String
    /// The deck loader's error, for `invalidDeck`.
    public var deckError: RateDeckError?
    /// Rating's error, for `invalidSettings` and `pricing`.
    public var ratingError: RatingError?
    /// Source file that raised the error.
    public var file: String
    /// Source line that raised the error.
    public var line: Int

    /// Creates an error; the source location defaults to the caller.
    public init(
        _ code: Code, keyPath: String = "", reason: String, deckError: RateDeckError? = nil, ratingError: RatingError? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.keyPath = keyPath
        self.reason = reason
        self.deckError = deckError
        self.ratingError = ratingError
        self.file = file
        self.line = line
    }

    /// A refused deck at `path`, configured at `keyPath`: the loader's line and column, as one line.
    static func deck(_ error: RateDeckError, path: String, keyPath: String) -> RatingBookError {
        // The loader names the deck by file name only; the configured path is what an operator opens.
        let place = error.line > 0 ? "\(path):\(error.line)" : path
        let column = error.column.map { " column \($0)" } ?? ""
        let reason = "\(place)\(column): \(error.reason) (\(error.code))"
        return RatingBookError(.invalidDeck, keyPath: keyPath, reason: reason, deckError: error)
    }

    public var description: String {
        self.keyPath.isEmpty ? self.reason : "\(self.keyPath): \(self.reason)"
    }
}
