import Crypto
import Foundation
import NIOCore
import NIOPosix

/// The bytes of one local file, read in chunks on NIO's blocking-I/O thread pool.
struct SFTPUploadSource: Sendable {
    static let chunkSize = 256 * 1024

    let path: String

    /// Calls `body` with each chunk in order; returns the size and SHA-256 (lowercase hex) of what was read.
    func forEachChunk(
        _ body: (ByteBuffer) async throws(ExportError) -> Void
    ) async throws(ExportError) -> (size: Int64, sha256Hex: String) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw ExportError(.localFile, reason: "cannot open \(path): \(error)", retryable: false)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let data: Data
            do {
                // FileHandle reads block; the thread pool keeps them off the event loops and the cooperative pool.
                data = try await NIOThreadPool.singleton.runIfActive { try handle.read(upToCount: Self.chunkSize) ?? Data() }
            } catch {
                throw ExportError(.localFile, reason: "cannot read \(path): \(error)", retryable: true)
            }
            if data.isEmpty { break }
            hasher.update(data: data)
            size += Int64(data.count)
            try await body(ByteBuffer(bytes: data))
        }
        return (size, Self.hex(hasher.finalize()))
    }

    /// Size and SHA-256 without uploading (for the manifest, whose hash no one gives us).
    func digest() async throws(ExportError) -> (size: Int64, sha256Hex: String) {
        try await forEachChunk { _ throws(ExportError) in }
    }

    /// Lowercase hex, as manifests write SHA-256.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Modification time in whole seconds, for the uploaded copy.
    func modificationTime() -> UInt32? {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
        return UInt32(exactly: date.timeIntervalSince1970.rounded(.down))
    }
}
