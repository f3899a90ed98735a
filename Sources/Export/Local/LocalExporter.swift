#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `type = "local"`: copies each closed file and its manifest to `<dir>/<kind>/<file>` (docs/export.md). The copy
/// is written under a temporary name, fsync'd, renamed into place and the folder fsync'd; then it is read back and its
/// size and SHA-256 compared with the manifest's.
public struct LocalExporter: FileExporter {
    public let targetID: String
    /// The archive folder (`dir`).
    public let directory: String

    public init(targetID: String, directory: String) {
        self.targetID = targetID
        self.directory = directory
    }

    public func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let folder = "\(directory)/\(file.kind)"
        let destination = "\(folder)/\(file.fileName)"
        do {
            try DurableFiles.makeDirectory(folder)
        } catch {
            throw ExportError(.unreachable, reason: "archive folder: \(error.reason)", retryable: true)
        }
        try copy(file.path, to: destination, expectedSHA256: file.sha256Hex)
        try copy(file.manifestPath, to: destination + ManifestCheck.manifestSuffix, expectedSHA256: nil)
        let copied = try FileChunks(path: destination).digests()
        guard copied.size == file.size, copied.sha256Hex == file.sha256Hex else {
            throw ExportError(
                .verificationFailed, reason: "\(destination) read back as \(copied.size) bytes with another SHA-256", retryable: true
            )
        }
        return ExportReceipt(location: "file://\(destination)", verifiedBy: "size+sha256 (re-read)")
    }

    // Streams `source` into a temporary file beside `destination`, then commits it. When `expectedSHA256` is given,
    // the bytes read must hash to it: a file changed since its manifest is never archived.
    private func copy(_ source: String, to destination: String, expectedSHA256: String?) throws(ExportError) {
        let input = try FileChunks(path: source)
        let temporary = DurableFiles.parentDirectory(of: destination) + "/." + DurableFiles.fileName(of: destination) + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ExportError(.unreachable, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))", retryable: true)
        }
        var digest = StreamingDigest()
        do throws(ExportError) {
            var offset: Int64 = 0
            while true {
                let chunk = try input.read(offset: offset, count: FileChunks.readSize)
                if chunk.isEmpty { break }
                digest.update(chunk)
                try DurableFiles.writeAll(chunk[...], to: descriptor, path: temporary)
                offset += Int64(chunk.count)
            }
            guard fsync(descriptor) == 0 else { throw DurableFiles.localError("fsync of \(temporary) failed", errno) }
        } catch {
            _ = close(descriptor)
            _ = unlink(temporary)
            throw error
        }
        _ = close(descriptor)
        if let expectedSHA256, digest.sha256Hex != expectedSHA256 {
            _ = unlink(temporary)
            throw ManifestCheck.damage("\(source) no longer matches its manifest")
        }
        try DurableFiles.commit(temporary: temporary, to: destination)
    }
}
