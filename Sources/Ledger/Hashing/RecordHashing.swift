public import Records

/// The chain hash of a record: SHA-256 of its canonical JSON without the `hash` field.
public enum RecordHashing {
    /// SHA-256 of the canonical bytes of `objectWithoutHash`; the caller removes `hash` first.
    public static func hash(of objectWithoutHash: [String: CanonicalJSON]) -> LedgerHash {
        LedgerHash.sha256(CanonicalJSON.object(objectWithoutHash).canonicalBytes())
    }

    /// The canonical bytes the hash is taken over: `object` without its top-level `hash` field.
    public static func canonicalBytesWithoutHash(_ object: [String: CanonicalJSON]) -> [UInt8] {
        var fields = object
        fields.removeValue(forKey: "hash")
        return CanonicalJSON.object(fields).canonicalBytes()
    }
}
