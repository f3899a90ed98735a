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

    /// The value `SIPParameters(bytes, range)[name]` would give, without building the list: the first parameter
    /// so named (ASCII case-insensitively) decides; `.some(nil)` for a flag.
    static func value(named name: String, in bytes: SIPBytes, _ range: Range<Int>) -> String?? {
        var found: String?? = .none
        var wanted = name
        wanted.withUTF8 { wanted in
            bytes.forEachPart(range, on: UInt8(ascii: ";")) { part in
                guard found == nil else { return }
                let equals = bytes.firstIndex(of: UInt8(ascii: "="), in: part)
                let nameRange = equals.map { bytes.trimmed(part.lowerBound..<$0) } ?? part
                guard nameRange.count == wanted.count else { return }
                for (offset, index) in nameRange.enumerated() where ASCIIByte.lower(bytes[index]) != ASCIIByte.lower(wanted[offset]) {
                    return
                }
                found = .some(equals.map { bytes.string(bytes.trimmed($0 + 1..<part.upperBound)) })
            }
        }
        return found
    }

    /// Serialized form with leading `;` before each parameter, or empty.
    public var serialized: String {
        guard !items.isEmpty else { return "" }
        if let text = String.sipText(capacity: textLength, { write(to: &$0) }) { return text }
        var out = ""  // Not reached: `textLength` is exact.
        write(to: &out)
        return out
    }

    /// The exact length of `serialized`, in bytes.
    var textLength: Int {
        var count = 0
        for item in items {
            count += 1 + item.name.utf8.count
            if let value = item.value { count += 1 + value.utf8.count }
        }
        return count
    }

    /// Writes `serialized` without building it.
    func write(to out: inout some SIPTextOutput) {
        for item in items {
            out.write(";")
            out.write(item.name)
            if let value = item.value {
                out.write("=")
                out.write(value)
            }
        }
    }

    // Parameter names are tokens (ASCII): compare bytes with ASCII case folding, no lower-cased copies.
    // Over contiguous bytes (every native String, small or not): a `zip` of the two UTF-8 views cost more than
    // the comparison itself, and this runs for every parameter looked up (branch, tag, rport, received).
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let same: Bool?? = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where ASCIIByte.lower(left[index]) != ASCIIByte.lower(right[index]) { return false }
                return true
            }
        }
        if case .some(.some(let same)) = same { return same }
        for (a, b) in zip(lhs.utf8, rhs.utf8) where ASCIIByte.lower(a) != ASCIIByte.lower(b) { return false }
        return true
    }
}
