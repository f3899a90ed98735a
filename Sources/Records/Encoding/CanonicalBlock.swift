/// A nested object of a record that knows its own members: written with literal keys in canonical order (the record
/// writer's path), or built as a `CanonicalJSON` object (the dictionary path, readers, tests).
public protocol CanonicalBlockValue: Sendable, Equatable {
    /// The block as a canonical JSON object.
    func canonicalJSON() -> CanonicalJSON

    /// Writes the members of `canonicalJSON()` in canonical order, without building it.
    func writeCanonicalMembers(into writer: inout CanonicalObjectWriter)
}

/// A record's nested object: a typed block (what the node builds; no dictionary to build, iterate and sort per
/// record) or any canonical JSON value (records built by hand, tests). Both encode to the same bytes for the same
/// members, and compare equal when their canonical JSON is equal.
public enum CanonicalBlock<Typed: CanonicalBlockValue>: Sendable, Equatable {
    /// Members written by the typed value itself.
    case typed(Typed)
    /// A value as given.
    case json(CanonicalJSON)

    /// The block as canonical JSON.
    public var canonicalJSON: CanonicalJSON {
        switch self {
        case .typed(let value): value.canonicalJSON()
        case .json(let value): value
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.typed(let left), .typed(let right)): left == right
        default: lhs.canonicalJSON == rhs.canonicalJSON
        }
    }
}

extension CanonicalObjectWriter {
    /// A nested block member; nothing for nil.
    public mutating func member<Typed>(_ key: StaticString, _ block: CanonicalBlock<Typed>?) {
        switch block {
        case .typed(let value)?:
            member(key, object: value)
        case .json(let value)?:
            member(key, value)
        case nil:
            return
        }
    }
}
