import TOMLKit

// Shared by every reader of one load: the file name for errors, and every key path the
// decoders asked for (indices written `[]`), so tests can check the example and docs cover them all.
final class TOMLDecodingContext {
    let fileName: String
    private(set) var requestedKeyPaths: [String] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    func record(_ keyPath: String) {
        if !self.requestedKeyPaths.contains(keyPath) {
            self.requestedKeyPaths.append(keyPath)
        }
    }
}

// Reads one TOML table. Keys outside the section's declared list are refused as soon as the
// table is opened, so a typo is reported as the unknown key it is rather than as a missing
// one. `finish()` then refuses any declared key the decoder forgot to read.
struct TOMLTableReader {
    private let table: TOMLTable
    // Key path of this table for errors: "" (root), "node", "providers[1]".
    let path: String
    // The same path with indices as `[]`, for the key registry.
    private let genericPath: String
    let context: TOMLDecodingContext
    private let allowedKeys: [String]
    private var known: [String] = []

    init(
        table: TOMLTable,
        path: String,
        genericPath: String,
        context: TOMLDecodingContext,
        allowedKeys: [String]
    ) throws(ConfigurationError) {
        self.table = table
        self.path = path
        self.genericPath = genericPath
        self.context = context
        self.allowedKeys = allowedKeys
        let unknown = table.keys.filter { !allowedKeys.contains($0) }.sorted()
        if let first = unknown.first {
            throw self.error(
                .unknownKey,
                at: self.keyPath(first),
                "unknown key (allowed here: \(allowedKeys.joined(separator: ", ")))"
            )
        }
    }

    func keyPath(_ key: String) -> String {
        self.path.isEmpty ? key : "\(self.path).\(key)"
    }

    func error(
        _ code: ConfigurationError.Code,
        at keyPath: String,
        _ reason: String,
        file: String = #fileID,
        line: Int = #line
    ) -> ConfigurationError {
        ConfigurationError(
            code,
            configurationFile: self.context.fileName,
            location: keyPath,
            reason: reason,
            file: file,
            line: line
        )
    }

    private mutating func value(_ key: String) -> (any TOMLValueConvertible)? {
        assert(self.allowedKeys.contains(key), "decoder reads undeclared key \(key)")
        if !self.known.contains(key) {
            self.known.append(key)
        }
        self.context.record(self.genericPath.isEmpty ? key : "\(self.genericPath).\(key)")
        return self.table[key]
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = self.value(key) else { return nil }
        guard let string = value.string else {
            throw self.wrongType(at: self.keyPath(key), expected: "string", got: value)
        }
        return string
    }

    mutating func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let string = try self.string(key) else {
            throw self.missing(key, expected: "string")
        }
        return string
    }

    mutating func int(_ key: String) throws(ConfigurationError) -> Int? {
        guard let value = self.value(key) else { return nil }
        guard let int = value.int else {
            throw self.wrongType(at: self.keyPath(key), expected: "integer", got: value)
        }
        return int
    }

    // An integer or a float (fractional seconds, say); nil when absent. Never NaN or infinite.
    mutating func number(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = self.value(key) else { return nil }
        if let int = value.int { return Double(int) }
        guard let double = value.double, double.isFinite else {
            throw self.wrongType(at: self.keyPath(key), expected: "number", got: value)
        }
        return double
    }

    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = self.value(key) else { return nil }
        guard let bool = value.bool else {
            throw self.wrongType(at: self.keyPath(key), expected: "boolean", got: value)
        }
        return bool
    }

    // An integer in `range`, or `defaultValue` when absent.
    mutating func int(
        _ key: String,
        default defaultValue: Int,
        in range: ClosedRange<Int>,
        unit: String
    ) throws(ConfigurationError) -> Int {
        guard let int = try self.int(key) else { return defaultValue }
        guard range.contains(int) else {
            let bounds = range.upperBound == Int.max
                ? "at least \(range.lowerBound)"
                : "between \(range.lowerBound) and \(range.upperBound)"
            throw self.error(.invalidValue, at: self.keyPath(key), "must be \(bounds) \(unit), got \(int)")
        }
        return int
    }

    // Each string of an array with its own key path (`node.listen[1]`); nil when absent.
    mutating func stringArray(_ key: String) throws(ConfigurationError) -> [(value: String, keyPath: String)]? {
        guard let value = self.value(key) else { return nil }
        guard let array = value.array else {
            throw self.wrongType(at: self.keyPath(key), expected: "array of strings", got: value)
        }
        var out: [(value: String, keyPath: String)] = []
        for (index, element) in array.enumerated() {
            let elementPath = "\(self.keyPath(key))[\(index)]"
            guard let string = element.string else {
                throw self.wrongType(at: elementPath, expected: "string", got: element)
            }
            out.append((string, elementPath))
        }
        return out
    }

    mutating func table(_ key: String, allowedKeys: [String]) throws(ConfigurationError) -> TOMLTableReader? {
        guard let value = self.value(key) else { return nil }
        guard let table = value.table else {
            throw self.wrongType(at: self.keyPath(key), expected: "table [\(key)]", got: value)
        }
        return try TOMLTableReader(
            table: table,
            path: self.keyPath(key),
            genericPath: self.genericPath.isEmpty ? key : "\(self.genericPath).\(key)",
            context: self.context,
            allowedKeys: allowedKeys
        )
    }

    // `[[key]]` entries, each with path `key[i]`; nil when absent.
    mutating func tableArray(_ key: String, allowedKeys: [String]) throws(ConfigurationError) -> [TOMLTableReader]? {
        guard let value = self.value(key) else { return nil }
        guard let array = value.array else {
            throw self.wrongType(at: self.keyPath(key), expected: "array of tables [[\(key)]]", got: value)
        }
        var readers: [TOMLTableReader] = []
        for (index, element) in array.enumerated() {
            let elementPath = "\(self.keyPath(key))[\(index)]"
            guard let table = element.table else {
                throw self.wrongType(at: elementPath, expected: "table", got: element)
            }
            readers.append(
                try TOMLTableReader(
                    table: table,
                    path: elementPath,
                    genericPath: (self.genericPath.isEmpty ? key : "\(self.genericPath).\(key)") + "[]",
                    context: self.context,
                    allowedKeys: allowedKeys
                )
            )
        }
        return readers
    }

    // Refuses the first present key (sorted, so errors are stable) that the decoder never read.
    func finish() throws(ConfigurationError) {
        let leftovers = self.table.keys.filter { !self.known.contains($0) }.sorted()
        guard let first = leftovers.first else { return }
        throw self.error(.unknownKey, at: self.keyPath(first), "key is not supported by this version")
    }

    func missing(_ key: String, expected: String) -> ConfigurationError {
        self.error(.missingKey, at: self.keyPath(key), "required \(expected) is missing")
    }

    private func wrongType(at keyPath: String, expected: String, got value: any TOMLValueConvertible) -> ConfigurationError {
        self.error(.wrongType, at: keyPath, "expected \(expected), got \(Self.describe(value))")
    }

    private static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .table: return "table"
        case .array: return "array"
        case .string: return "string \(quoted(value.string ?? ""))"
        case .int, .double, .bool, .date, .time, .dateTime:
            return "\(value.type) \(String(value.debugDescription.prefix(40)))"
        }
    }
}

// Values echoed into one-line errors: quoted, control characters escaped, cut short.
func quoted(_ text: String, limit: Int = 64) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        out += scalar.escaped(asASCII: false)
    }
    if text.unicodeScalars.count > limit {
        out += "…"
    }
    return "\"" + out + "\""
}
