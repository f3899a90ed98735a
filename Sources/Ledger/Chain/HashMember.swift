/// The `hash` member of a line: `"hash":"<64 hex>"` with the comma that joins it to its neighbour, 74 bytes.
enum HashMember {
    /// Bytes of the member with its comma.
    static let count = 74

    /// Writes the member at `out` (room for `count` bytes): the comma first when it follows a member
    /// (`afterMember`), else last (the object has chain fields, so a member always follows). Returns `count`.
    @discardableResult
    static func write(_ hash: LedgerHash, afterMember: Bool, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var index = 0
        if afterMember {
            out[0] = UInt8(ascii: ",")
            index = 1
        }
        (#""hash":""# as StaticString).withUTF8Buffer { key in
            guard let source = key.baseAddress else { return }
            (out + index).update(from: source, count: key.count)
            index += key.count
        }
        hash.writeHex(into: UnsafeMutableBufferPointer(start: out + index, count: LedgerHash.byteCount * 2))
        index += LedgerHash.byteCount * 2
        out[index] = UInt8(ascii: "\"")
        index += 1
        if !afterMember {
            out[index] = UInt8(ascii: ",")
            index += 1
        }
        return index
    }

    /// The record's line: `bytes` (its canonical JSON without `hash`) with the member put in at `insertion`, then
    /// `\n`, in an array of exactly that size. Three copies into a fresh array: no byte is moved twice, and no room
    /// is zero-filled first.
    static func line(
        _ bytes: UnsafeBufferPointer<UInt8>, hash: LedgerHash, at insertion: (offset: Int, afterMember: Bool)
    ) -> [UInt8] {
        let total = bytes.count + count + 1
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            guard let source = bytes.baseAddress, let target = out.baseAddress else { return }
            let head = insertion.offset
            target.initialize(from: source, count: head)
            write(hash, afterMember: insertion.afterMember, at: target + head)
            (target + head + count).initialize(from: source + head, count: bytes.count - head)
            target[total - 1] = UInt8(ascii: "\n")
            initialized = total
        }
    }
}
