/// A member that `CanonicalObjectWriter` puts in at its sorted place (the ledger's chain fields), with its key and
/// value encoded once. A chain keeps its members and sets their values in place for every record, so sealing a
/// record allocates nothing for them.
public struct CanonicalMember: Sendable {
    /// The member's key.
    public let key: String
    // The key's UTF-8 bytes, compared with the keys the writer is given.
    let keyUTF8: [UInt8]
    // The value's canonical bytes.
    private(set) var encodedValue: [UInt8]

    /// A member `key` with `value`.
    public init(key: String, value: CanonicalJSON) {
        self.key = key
        keyUTF8 = Array(key.utf8)
        encodedValue = value.canonicalBytes()
    }

    /// Sets the value to the string of the UTF-8 bytes `utf8`, reusing the value's storage.
    public mutating func setString(utf8: UnsafeBufferPointer<UInt8>) {
        setValue { $0.writeString(utf8: utf8) }
    }

    /// Sets the value to `value`, reusing the value's storage.
    public mutating func setInteger(_ value: Int64) {
        setValue { $0.writeInteger(value) }
    }

    private mutating func setValue(_ write: (inout CanonicalOutput) -> Void) {
        // Moved out and back, so the storage stays uniquely referenced and is written in place.
        var storage: [UInt8] = []
        swap(&storage, &encodedValue)
        var output = CanonicalOutput(reusing: consume storage)
        write(&output)
        encodedValue = output.finish()
    }
}
