// A configuration file that cannot run a node. `description` is one line:
// `<file>: <where>: <reason>`, where <where> is a key path (`providers[1].address`)
// or, for TOML syntax errors, `line N, column M`.
struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    // What kind of problem; compare codes, not descriptions.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile
            case syntax
            case unknownKey
            case missingKey
            case wrongType
            case invalidValue
            case duplicateID
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        // The file is missing, unreadable, too large or not UTF-8.
        static let unreadableFile = Code(.unreadableFile)
        // The text is not valid TOML.
        static let syntax = Code(.syntax)
        // A key or section this version does not know.
        static let unknownKey = Code(.unknownKey)
        // A required key is absent.
        static let missingKey = Code(.missingKey)
        // A value of the wrong TOML type.
        static let wrongType = Code(.wrongType)
        // A value of the right type that is out of range or malformed.
        static let invalidValue = Code(.invalidValue)
        // Two entries share an id (or a prefix that would make matching ambiguous).
        static let duplicateID = Code(.duplicateID)

        var description: String { self.base.rawValue }
    }

    var code: Code
    // The configuration file as named by the caller.
    var configurationFile: String
    // Key path or `line N, column M`; empty when the whole file is at fault.
    var location: String
    var reason: String
    // Where in this program the error was raised.
    var file: String
    var line: Int

    init(
        _ code: Code,
        configurationFile: String,
        location: String,
        reason: String,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.configurationFile = configurationFile
        self.location = location
        self.reason = reason
        self.file = file
        self.line = line
    }

    var description: String {
        let reason = Self.oneLine(self.reason)
        guard !self.location.isEmpty else {
            return "\(self.configurationFile): \(reason)"
        }
        return "\(self.configurationFile): \(self.location): \(reason)"
    }

    // Parser messages may carry newlines; the contract is one line per error.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed() }
            .map { String($0) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
