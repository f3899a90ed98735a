#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a closed record file in bounded chunks. Exporters never hold more than one chunk (a part, a block) of a
/// large file in memory.
struct FileChunks: ~Copyable {
    /// The default chunk for hashing and copying.
    static let readSize = 1 << 20

    let path: String
    private let descriptor: Int32

    init(path: String) throws(ExportError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFiles.localError("cannot open \(path)", errno) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(offset: Int64, count: Int) throws(ExportError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = out.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + filled }, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw DurableFiles.localError("read of \(path) failed", errno)
            }
            if got == 0 { break }
            filled += got
        }
        out.removeLast(count - filled)
        return out
    }

    /// Size, SHA-256 and MD5 of the whole file, in one pass.
    func digests() throws(ExportError) -> FileDigests {
        var digest = StreamingDigest()
        while true {
            let chunk = try read(offset: digest.size, count: Self.readSize)
            if chunk.isEmpty { break }
            digest.update(chunk)
        }
        return digest.digests
    }
}

/// What an exporter compares a target's answer with.
struct FileDigests: Sendable, Hashable {
    var size: Int64
    var sha256: [UInt8]
    var md5: [UInt8]

    var sha256Hex: String { Hex.encode(sha256) }
}

/// Lower-case hex, the form manifests and SigV4 use.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
