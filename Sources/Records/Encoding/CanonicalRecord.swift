/// A record that serializes to one canonical JSON object carrying its `kind` and `node`.
public protocol CanonicalRecord: Sendable {
    /// The record kind written in the `kind` field; also names the record's folder and chain.
    static var kind: String { get }

    /// The record as a canonical JSON object.
    func canonicalJSON() -> CanonicalJSON

    /// Writes the members of `canonicalJSON()` in canonical order, without building it (the record writer's
    /// path). The default sorts the members of `canonicalJSON()`; records with fixed keys write them directly.
    func writeCanonicalMembers(into writer: inout CanonicalObjectWriter)
}

extension CanonicalRecord {
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        guard case .object(let fields) = canonicalJSON() else { return }
        CanonicalJSON.forEachSortedMember(fields) { key, value in
            writer.member(named: key, value)
        }
    }
}

extension CanonicalRecord {
    /// The record as one JSON Lines line: canonical bytes followed by `\n`.
    public func jsonLine() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        canonicalJSON().write(into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }
}
