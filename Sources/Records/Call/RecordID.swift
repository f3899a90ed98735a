/// Record identifiers: random (version 4) UUIDs in lowercase text form.
public enum RecordID {
    /// A new random record id such as `6f1c2d3e-...`, lowercase.
    ///
    /// Built here from the kernel's CSPRNG (`SystemRandomPool`, getrandom) rather than Foundation's `UUID()`:
    /// on Linux that opens, reads and closes `/dev/urandom` for every UUID, which was four file opens
    /// per call on the node's event loop (issue 9 profile).
    @Sendable
    public static func random() -> String {
        let (high, low) = SystemRandomPool.next128()
        var words = (high.littleEndian, low.littleEndian)
        return withUnsafeMutableBytes(of: &words) { bytes in
            bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4 (RFC 9562 §5.4)
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
            return format(UnsafeRawBufferPointer(bytes))
        }
    }

    /// `bytes` (16) as 8-4-4-4-12 lowercase hex.
    static func format(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { format($0) }
    }

    private static func format(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var out = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                buffer[out] = LowercaseHex.digit(byte >> 4)
                buffer[out + 1] = LowercaseHex.digit(byte & 0x0F)
                out += 2
            }
            return out
        }
    }
}
