import Crypto

/// SHA-256 and MD5 over bytes seen one chunk at a time: the checksums targets are asked to check.
struct StreamingDigest {
    private var sha = SHA256()
    private var md5 = Insecure.MD5()
    private(set) var size: Int64 = 0

    mutating func update(_ bytes: [UInt8]) {
        sha.update(data: bytes)
        md5.update(data: bytes)
        size += Int64(bytes.count)
    }

    var sha256: [UInt8] { Array(sha.finalize()) }
    var md5Digest: [UInt8] { Array(md5.finalize()) }
    var sha256Hex: String { Hex.encode(sha256) }
    var digests: FileDigests { FileDigests(size: size, sha256: sha256, md5: md5Digest) }
}
