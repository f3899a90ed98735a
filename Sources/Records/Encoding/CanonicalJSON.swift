/// A JSON value restricted to what records need: no floating point, so its encoding is deterministic.
public enum CanonicalJSON: Sendable, Equatable {
    case object([String: CanonicalJSON])
    case array([CanonicalJSON])
    case string(String)
    /// An integer; RFC 8785 compatibility holds for magnitudes up to 2^53 - 1, which every record field respects.
    case integer(Int64)
    case bool(Bool)
    case null
}

extension CanonicalJSON {
    /// Builds an object from fields, omitting every field whose value is nil.
    public static func object(omittingNil fields: [String: CanonicalJSON?]) -> CanonicalJSON {
        .object(fields.compactMapValues { $0 })
    }

    /// An integer value from a platform `Int`.
    public static func integer(_ value: Int) -> CanonicalJSON {
        .integer(Int64(value))
    }
}
