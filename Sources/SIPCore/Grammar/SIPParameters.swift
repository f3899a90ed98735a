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
        for item in items where Self.sameName(item.name, name) { return .some(item.value) }
        return .none
    }

    /// Whether the parameter is present (with or without value).
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Sets or adds a parameter, keeping its position when present.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = items.firstIndex(where: { Self.sameName($0.name, name) }) {
            items[index].value = value
        } else {
            items.append(Parameter(name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        items.removeAll { Self.sameName($0.name, name) }
    }

    /// Parses `;a=b;c` (the leading `;` optional). Values may be quoted strings.
    public init(parsing text: Substring) {
        self = text.withSIPBytes { bytes in SIPParameters(bytes, bytes.all) }
    }

    /// Parses the parameters in `range` of `bytes`.
    init(_ bytes: SIPBytes, _ range: Range<Int>) {
        items = []
        guard !range.isEmpty else { return }
        var parsed: [Parameter] = []
        bytes.forEachPart(range, on: UInt8(ascii: ";")) { part in
            if let equals = bytes.firstIndex(of: UInt8(ascii: "="), in: part) {
                parsed.append(Parameter(
                    name: bytes.string(bytes.trimmed(part.lowerBound..<equals)),
                    value: bytes.string(bytes.trimmed(equals + 1..<part.upperBound))
                ))
            } else {
                parsed.append(Parameter(name: bytes.string(part), value: nil))
            }
        }
        items = parsed
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

    // Parameter names are tokens (ASCII): compare bytes with ASCII case folding, no lower-cased copies.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where ASCIIByte.lower(a) != ASCIIByte.lower(b) { return false }
        return true
    }
}
