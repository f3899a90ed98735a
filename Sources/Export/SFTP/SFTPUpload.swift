import Crypto
import Logging
import NIOCore
import SFTP

/// The upload protocol for one file on an open SFTP session: part file, rename, verification.
struct SFTPUpload {
    let client: SFTPClient
    let target: String
    let permissions: UInt32
    let logger: Logger
    let progress: (@Sendable (_ remotePath: String, _ bytesSent: Int64) async -> Void)?

    typealias Digest = (size: Int64, sha256Hex: String)

    func run(_ source: SFTPUploadSource, to finalPath: String, expected: Digest) async throws(ExportError) {
        let directory = SFTPExporter.directory(of: finalPath).dropLast()
        if !directory.isEmpty { try await sftp { try await client.makeDirectories(String(directory)) } }
        if try await alreadyPresent(finalPath, expected: expected) {
            logger.debug("sftp export: already present", metadata: ["path": "\(finalPath)"])
            return
        }
        let partPath = finalPath + ".part"
        try await writePart(source, to: partPath, expected: expected)
        try await sftp { try await moveIntoPlace(partPath, finalPath) }
        let size = try await sftp { try await client.stat(finalPath).size }
        guard size == UInt64(exactly: expected.size) else {
            throw ExportError(
                .verificationFailed, reason: "\(target): \(finalPath) is \(size.map(String.init) ?? "?") bytes on the server, \(expected.size) sent",
                retryable: true
            )
        }
        let remote = try await remoteDigest(finalPath)
        guard remote == expected else {
            throw ExportError(
                .verificationFailed,
                reason: "\(target): \(finalPath) reads back as \(remote.size) bytes with SHA-256 \(remote.sha256Hex), sent \(expected.size) bytes \(expected.sha256Hex)",
                retryable: true
            )
        }
    }

    /// True when `path` exists with the expected size and, read back, the expected SHA-256.
    private func alreadyPresent(_ path: String, expected: Digest) async throws(ExportError) -> Bool {
        guard let attributes = try await sftp({ try await client.statIfExists(path) }),
            attributes.size == UInt64(exactly: expected.size)
        else { return false }
        return try await remoteDigest(path) == expected
    }

    private func writePart(_ source: SFTPUploadSource, to partPath: String, expected: Digest) async throws(ExportError) {
        // TRUNCATE: a part file left by an interrupted attempt is overwritten, never appended to.
        let handle = try await sftp { try await client.open(partPath, flags: [.write, .create, .truncate]) }
        do throws(ExportError) {
            var writer = SFTPFileWriter(client: client, handle: handle)
            let sent = try await source.forEachChunk { chunk throws(ExportError) in
                try await sftp { try await writer.write(chunk) }
                await progress?(partPath, Int64(writer.offset))
            }
            try await sftp { try await writer.finish() }
            guard sent.size == expected.size, sent.sha256Hex == expected.sha256Hex else {
                // The local file no longer matches its manifest: uploading it would export a lie.
                try? await client.close(handle)
                try? await client.remove(partPath)
                throw ExportError(
                    .localFile,
                    reason: "\(source.path) is \(sent.size) bytes with SHA-256 \(sent.sha256Hex), its manifest says \(expected.size) bytes \(expected.sha256Hex)",
                    retryable: false
                )
            }
            try await sftp {
                var attributes = SFTPAttributes(permissions: permissions)
                if let mtime = source.modificationTime() { attributes.times = .init(accessTime: mtime, modificationTime: mtime) }
                try await client.fsetstat(handle, attributes: attributes)
                guard try await client.fstat(handle).size == UInt64(exactly: expected.size) else {
                    throw SFTPError(.unexpectedResponse, "\(partPath) has another size than written")
                }
                if client.supports("fsync@openssh.com") { try await client.fsync(handle) }
                try await client.close(handle)
            }
        } catch {
            try? await client.close(handle)
            throw error
        }
    }

    /// Renames the part file onto the final name, replacing whatever is there (it failed the identity check).
    private func moveIntoPlace(_ partPath: String, _ finalPath: String) async throws(SFTPError) {
        if client.supports("posix-rename@openssh.com") {
            try await client.posixRename(partPath, to: finalPath)
            return
        }
        // Plain v3 RENAME refuses an existing target: remove it first (not atomic, hence the preference above).
        if try await client.statIfExists(finalPath) != nil { try await client.remove(finalPath) }
        try await client.rename(partPath, to: finalPath)
    }

    /// Size and SHA-256 of the remote file, read back in full.
    private func remoteDigest(_ path: String) async throws(ExportError) -> Digest {
        try await sftp { () async throws -> Digest in
            let handle = try await client.open(path, flags: [.read])
            var hasher = SHA256()
            let read: UInt64
            do throws(SFTPError) {
                read = try await client.readToEnd(handle) { chunk in
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                }
            } catch {
                try? await client.close(handle)
                throw error
            }
            try await client.close(handle)
            return (Int64(read), SFTPUploadSource.hex(hasher.finalize()))
        }
    }

    /// Runs SFTP calls, turning their errors into export errors for this target.
    ///
    /// Untyped on the inside because closures do not infer typed throws; everything thrown in them is an
    /// `SFTPError` by construction, and anything else would be a bug reported as a retryable rejection.
    private func sftp<T>(_ body: () async throws -> T) async throws(ExportError) -> T {
        do {
            return try await body()
        } catch let error as SFTPError {
            throw ExportError(error, target: target)
        } catch {
            throw ExportError(.rejected, reason: "\(target): \(error)", retryable: true)
        }
    }
}
