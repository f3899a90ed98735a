internal import Crypto

/// SHA-256 fed piece by piece: the digest of a whole record file, for manifests (written and verified).
public struct StreamingSHA256: Sendable {
    private var hasher = SHA256()

    /// An empty hash state.
    public init() {}

    /// Adds `bytes` to what is hashed.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Adds `bytes` to what is hashed.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything added so far; the state itself is left as it was.
    public func finalize() -> LedgerHash {
        let copy = hasher
        return LedgerHash(digest: copy.finalize())
    }
}
