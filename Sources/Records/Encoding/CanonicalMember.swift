/// A member that `CanonicalObjectWriter` puts in at its sorted place (the ledger's chain fields), with its key and
/// value encoded once. A chain keeps its members and sets their values in place for every record, so sealing a
/// record allocates nothing for them.
public struct CanonicalMember: Sendable {
    /// The member's key.
    public let key: String
    // The key's UTF-8 bytes, compared with the keys the writer is given.
    let keyUTF8: [UInt8]
    // The key's first byte (0 for an empty key): the writer's quick test of whether a key sorts before this one.
    let keyFirstByte: UInt8
    // The value's canonical bytes.
    private(set) var encodedValue: [UInt8]

    /// A member `key` with `value`.
    public init(key: String, value: CanonicalJSON) {
        self.key = key
        keyUTF8 = Array(key.utf8)
        keyFirstByte = keyUTF8.first ?? 0
        encodedValue = value.canonicalBytes()
    }

    /// Sets the value to the string of the UTF-8 bytes `utf8`, reusing the value's storage.
    public mutating func setString(utf8: UnsafeBufferPointer<UInt8>) {
        setValue { $0.writeString(utf8: utf8) }
    }

    /// Sets the value to a string of `count` bytes that `write` puts at the pointer it gets, which must need no JSON
    /// escape (hex digits): written in place between the quotes when the value has that length already (the chain's
    /// `prev_hash` of every record), with no escape scan and no second buffer.
    public mutating func setString(plainCount count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) {
        if encodedValue.count == count + 2 {
            encodedValue.withUnsafeMutableBufferPointer { value in
                guard let base = value.baseAddress else { return }
                base.pointee = UInt8(ascii: "\"")
                write(base + 1)
                base[count + 1] = UInt8(ascii: "\"")
            }
            return
        }
        setValue { output in
            output.write(room: count + 2) { out in
                out.pointee = UInt8(ascii: "\"")
                write(out + 1)
                out[count + 1] = UInt8(ascii: "\"")
                return count + 2
            }
        }
    }

    /// Sets the value to `value`, reusing the value's storage: the digits are written in place when their count is
    /// the value's (the chain's `seq`, which changes length once per power of ten). Through `CanonicalOutput`, an
    /// empty output grew byte by byte to room for an integer on every record.
    public mutating func setInteger(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: CanonicalOutput.maxIntegerCount) { buffer in
            guard let digits = buffer.baseAddress else { return }
            let count = CanonicalOutput.putInteger(value, at: digits)
            guard encodedValue.count == count else {
                encodedValue = Array(UnsafeBufferPointer(start: digits, count: count))
                return
            }
            encodedValue.withUnsafeMutableBufferPointer { value in
                guard let target = value.baseAddress else { return }
                CanonicalOutput.copyShort(digits, to: target, count: count)
            }
        }
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
