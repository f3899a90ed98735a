/// Lower-case hex digits, as every hex the node writes uses them (record ids, hashes, `\u00XX` escapes).
public enum LowercaseHex {
    /// The ASCII digit of `nibble` (0–15). By arithmetic: a table would be a global behind a lazy-initialization
    /// check on every call.
    @inlinable @inline(__always)
    public static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "a") &- 10)
    }
}
