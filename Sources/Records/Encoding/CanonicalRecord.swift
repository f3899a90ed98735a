/// A record that serializes to one canonical JSON object carrying its `kind` and `node`.
public protocol CanonicalRecord: Sendable {
    /// The record kind written in the `kind` field; also names the record's folder and chain.
    static var kind: String { get }

    /// The record as a canonical JSON object.
    func canonicalJSON() -> CanonicalJSON
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
