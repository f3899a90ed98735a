internal import Crypto
import Records

/// A 32-byte SHA-256 digest: a record's chain hash or a Merkle tree node.
///
/// A plain value of four words, not an array: the record writer makes five hashes per record (the chain hash, a
/// Merkle leaf and its interior nodes), and an `[UInt8]` cost a heap allocation, a retain and a release each.
public struct LedgerHash: Hashable, Sendable, CustomStringConvertible {
    // The 32 bytes in order, as four words only for storage: they are copied in and out as raw memory, never read
    // as numbers, so the host's byte order does not matter. A homogeneous tuple is laid out contiguously.
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// The number of bytes in every hash.
    public static let byteCount = 32

    /// The 32 digest bytes (a new array; `withUnsafeBytes` reads them without one).
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Calls `body` with the 32 bytes of the hash.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var copy = words
        return try Swift.withUnsafeBytes(of: &copy) { (raw) throws(Failure) -> Result in try body(raw) }
    }

    /// A hash from exactly 32 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init(zeroWords: ())
        Swift.withUnsafeMutableBytes(of: &words) { out in
            for (index, byte) in bytes.enumerated() {
                out[index] = byte
            }
        }
    }

    // Callers guarantee exactly 32 bytes (digests and fixed-size slices).
    init(unsafeRaw raw: UnsafeRawBufferPointer) {
        self.init(zeroWords: ())
        Swift.withUnsafeMutableBytes(of: &words) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(Self.byteCount)))
        }
    }

    private init(zeroWords: Void) {
        words = (0, 0, 0, 0)
    }

    /// A hash from 64 lower-case hex characters; nil for anything else (upper case included,
    /// because the format writes hashes lower-case and compares them as text).
    public init?(hex: String) {
        let utf8 = hex.utf8
        guard utf8.count == Self.byteCount * 2 else { return nil }
        self.init(zeroWords: ())
        let valid = Swift.withUnsafeMutableBytes(of: &words) { out -> Bool in
            var index = 0
            var high: UInt8?
            for character in utf8 {
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    nibble = character &- UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"):
                    nibble = character &- UInt8(ascii: "a") &+ 10
                default:
                    return false
                }
                if let pending = high {
                    out[index] = pending << 4 | nibble
                    index += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return true
        }
        guard valid else { return nil }
    }

    public static func == (lhs: LedgerHash, rhs: LedgerHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// The 64 lower-case hex characters of the hash.
    public var hex: String {
        String(unsafeUninitializedCapacity: Self.byteCount * 2) { out in
            writeHex(into: UnsafeMutableRawBufferPointer(out))
        }
    }

    /// Writes the 64 lower-case hex characters at the start of `out`, which has room for them.
    func writeHex(into out: UnsafeMutableBufferPointer<UInt8>) {
        writeHex(into: UnsafeMutableRawBufferPointer(out))
    }

    // Writes the 64 hex digits at the start of `out` (which has room for them); returns 64.
    @discardableResult
    private func writeHex(into out: UnsafeMutableRawBufferPointer) -> Int {
        withUnsafeBytes { raw in
            var index = 0
            for byte in raw {
                out[index] = LowercaseHex.digit(byte >> 4)
                out[index + 1] = LowercaseHex.digit(byte & 0x0F)
                index += 2
            }
        }
        return Self.byteCount * 2
    }

    public var description: String { hex }

    /// 32 zero bytes: the `prev_hash` of the first record of every chain.
    public static let zero = LedgerHash(zeroWords: ())

    /// SHA-256 of `data`.
    public static func sha256(_ data: some Collection<UInt8>) -> LedgerHash {
        var hasher = SHA256()
        let done: Void? = data.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            Array(data).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return LedgerHash(digest: hasher.finalize())
    }

    init(digest: SHA256.Digest) {
        self = digest.withUnsafeBytes { LedgerHash(unsafeRaw: $0) }
    }
}
