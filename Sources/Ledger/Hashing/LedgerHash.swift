internal import Crypto

/// A 32-byte SHA-256 digest: a record's chain hash or a Merkle tree node.
public struct LedgerHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// The number of bytes in every hash.
    public static let byteCount = 32

    /// A hash from exactly 32 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    // Callers guarantee 32 bytes (digests and fixed-size slices).
    init(uncheckedBytes: [UInt8]) {
        self.bytes = uncheckedBytes
    }

    /// A hash from 64 lower-case hex characters; nil for anything else (upper case included,
    /// because the format writes hashes lower-case and compares them as text).
    public init?(hex: String) {
        let utf8 = hex.utf8
        guard utf8.count == Self.byteCount * 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        var high: UInt8?
        for character in utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                nibble = character &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                nibble = character &- UInt8(ascii: "a") &+ 10
            default:
                return nil
            }
            if let pending = high {
                out.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.bytes = out
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The 64 lower-case hex characters of the hash.
    public var hex: String {
        String(decoding: hexBytes, as: UTF8.self)
    }

    /// The 64 lower-case hex characters of the hash as UTF-8 bytes.
    var hexBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count * 2) { out, initialized in
            var index = 0
            for byte in bytes {
                out[index] = Self.hexDigits[Int(byte >> 4)]
                out[index + 1] = Self.hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            initialized = index
        }
    }

    public var description: String { hex }

    /// 32 zero bytes: the `prev_hash` of the first record of every chain.
    public static let zero = LedgerHash(uncheckedBytes: [UInt8](repeating: 0, count: byteCount))

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
        self.bytes = digest.withUnsafeBytes { Array($0) }
    }
}
