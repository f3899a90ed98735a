/// An ordered `;name=value` parameter list. Names compare case-insensitively; order and
/// spelling are kept so serialization reproduces the input.
public struct SIPParameters: Sendable, Hashable, Sequence {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String?
    }

    public private(set) var items: [Parameter]

    public init() { items = [] }

    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }
    public var isEmpty: Bool { items.isEmpty }

    /// Value of a parameter; `.some(nil)` for a flag parameter such as `;lr` or `;rport`.
    public subscript(_ name: String) -> String?? {
        let lowered = name.lowercased()
        for item in items where item.name.lowercased() == lowered { return .some(item.value) }
        return .none
    }

    /// Whether the parameter is present (with or without value).
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Sets or adds a parameter, keeping its position when present.
    public mutating func set(_ name: String, _ value: String?) {
        let lowered = name.lowercased()
        if let index = items.firstIndex(where: { $0.name.lowercased() == lowered }) {
            items[index].value = value
        } else {
            items.append(Parameter(name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        let lowered = name.lowercased()
        items.removeAll { $0.name.lowercased() == lowered }
    }

    /// Parses `;a=b;c` (the leading `;` optional). Values may be quoted strings.
    public init(parsing text: Substring) {
        items = []
        for part in HeaderValueSplitter.split(String(text), on: UInt8(ascii: ";")) {
            if let equals = part.firstIndex(of: "=") {
                let name = String(part[..<equals]).sipTrimmed
                let value = String(part[part.index(after: equals)...]).sipTrimmed
                items.append(Parameter(name: name, value: value))
            } else {
                items.append(Parameter(name: part, value: nil))
            }
        }
    }

    /// Serialized form with leading `;` before each parameter, or empty.
    public var serialized: String {
        var out = ""
        for item in items {
            out += ";"
            out += item.name
            if let value = item.value {
                out += "="
                out += value
            }
        }
        return out
    }
}
