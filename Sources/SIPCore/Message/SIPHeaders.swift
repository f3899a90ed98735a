/// One header line: the name as written (kept for byte-stable serialization), its normalised
/// name and the raw value with surrounding whitespace removed.
public struct SIPHeaderField: Sendable, Hashable {
    public var name: String
    public var key: SIPHeaderName
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.key = SIPHeaderName(name)
        self.value = value
    }

    /// For the parser, which normalises the name from its bytes.
    init(name: String, key: SIPHeaderName, value: String) {
        self.name = name
        self.key = key
        self.value = value
    }
}

/// The ordered header list of a message. Order and spelling are preserved.
public struct SIPHeaders: Sendable, Hashable, Sequence {
    public private(set) var fields: [SIPHeaderField]

    public init() { fields = [] }
    public init(_ fields: [SIPHeaderField]) { self.fields = fields }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[SIPHeaderField]> { fields.makeIterator() }

    /// The value of the first header with this name.
    public subscript(_ name: SIPHeaderName) -> String? {
        // Lines are compared in place: `for field in fields` copied each one (three retains and releases) before
        // looking at its name, and the engine asks a message for several headers.
        guard let index = firstIndex(of: name) else { return nil }
        return fields[index].value
    }

    /// The position in `fields` of the first line with this name.
    func firstIndex(of name: SIPHeaderName) -> Int? {
        fields.withUnsafeBufferPointer { lines in
            for index in lines.indices where lines[index].key == name { return index }
            return nil
        }
    }

    /// Whether at least one header with this name is present.
    public func contains(_ name: SIPHeaderName) -> Bool { firstIndex(of: name) != nil }

    /// Every header line with this name, in order (each line may itself hold a comma list).
    public func lines(_ name: SIPHeaderName) -> [String] {
        fields.lazy.filter { $0.key == name }.map(\.value)
    }

    /// Every element with this name: repeated lines and comma-separated lists flattened (RFC 3261 §7.3.1).
    public func values(_ name: SIPHeaderName) -> [String] {
        var result: [String] = []
        for field in fields where field.key == name {
            result.append(contentsOf: HeaderValueSplitter.splitCommaList(field.value))
        }
        return result
    }

    /// The first element with this name, as `values(name).first` but without splitting the rest of the list.
    public func firstValue(_ name: SIPHeaderName) -> String? {
        fields.withUnsafeBufferPointer { lines in
            for index in lines.indices where lines[index].key == name {
                if let first = HeaderValueSplitter.firstOfCommaList(lines[index].value) { return first }
            }
            return nil
        }
    }

    /// An empty list with room for `capacity` lines: a message built line by line then costs one allocation for its
    /// list instead of one per doubling (four or five for a typical INVITE or reply).
    public init(reservingCapacity capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    /// Appends a header line.
    public mutating func append(_ name: String, _ value: String) {
        fields.append(SIPHeaderField(name: name, value: value))
    }

    /// Appends a line taken from another message as it is (its name already normalised).
    public mutating func append(_ field: SIPHeaderField) {
        fields.append(field)
    }

    /// Inserts a header line before all others (the new topmost Via).
    public mutating func prepend(_ name: String, _ value: String) {
        fields.insert(SIPHeaderField(name: name, value: value), at: 0)
    }

    /// Removes every line with this name.
    public mutating func remove(_ name: SIPHeaderName) {
        // Looked for first: `removeAll(where:)` copies a list shared with another message (a request the B2BUA
        // copied) even when it removes nothing.
        guard contains(name) else { return }
        fields.removeAll { $0.key == name }
    }

    /// Removes every line whose name is one of `names`, in one pass; nothing is copied when none is present.
    public mutating func remove(anyOf names: [SIPHeaderName]) {
        guard fields.contains(where: { names.contains($0.key) }) else { return }
        fields.removeAll { names.contains($0.key) }
    }

    /// Sets the value: replaces the first line in place (keeping its position and spelling) and removes any others; appends when absent.
    public mutating func set(_ name: String, _ value: String) {
        let key = SIPHeaderName(name)
        guard let first = fields.firstIndex(where: { $0.key == key }) else {
            append(name, value)
            return
        }
        fields[first].value = value
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if fields[index].key == key { fields.remove(at: index) } else { index += 1 }
        }
    }

    /// Removes the first element of a possibly comma-separated header (the topmost Via of a response).
    public mutating func removeFirstValue(_ name: SIPHeaderName) {
        guard let index = fields.firstIndex(where: { $0.key == name }) else { return }
        // The rest of the list as `splitCommaList(value).dropFirst().joined(separator: ", ")` spells it, without the
        // array and a String per element; nil when there is no rest (one Via, every request the engine stamps).
        let rest: String? = fields[index].value.withSIPBytes { bytes in
            var elements = 0
            var out = ""
            bytes.forEachPart(bytes.all, on: UInt8(ascii: ",")) { part in
                elements += 1
                guard elements > 1 else { return }
                if elements > 2 { out.append(", ") }
                out.append(bytes.string(part))
            }
            return elements > 1 ? out : nil
        }
        if let rest {
            fields[index].value = rest
        } else {
            fields.remove(at: index)
        }
    }
}
