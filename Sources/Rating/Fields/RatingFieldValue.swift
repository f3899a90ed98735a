/// A record field value as Rating hands it to the record layer: strings, integers and objects only.
///
/// It mirrors the subset of `Records.CanonicalJSON` that rating needs (no floating point, amounts as
/// decimal strings), so the node maps it one to one. A field whose value is unknown is omitted from
/// its map, never written as null.
public enum RatingFieldValue: Hashable, Sendable {
    /// A string (amounts are decimal strings with six fraction digits).
    case string(String)
    /// An integer.
    case integer(Int64)
    /// A nested object.
    case object([String: RatingFieldValue])
    /// A list.
    case array([RatingFieldValue])
}
