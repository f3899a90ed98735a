#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a small file so that after a crash it holds either the old or the new bytes, never a mix: a temporary
/// file beside it, fsync, rename over the target, fsync of the folder (so the rename itself is durable).
enum DurableFile {
    /// Replaces `path` with `bytes`.
    static func write(_ bytes: [UInt8], to path: String) throws(AuditStoreError) {
        let folder = parentFolder(of: path)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let temporary = folder + "/." + name + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AuditStoreError.posix("cannot create \(temporary)") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return systemWrite(descriptor, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let error = AuditStoreError.posix("cannot write \(temporary)")
                _ = close(descriptor)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let error = AuditStoreError.posix("cannot fsync \(temporary)")
            _ = close(descriptor)
            unlink(temporary)
            throw error
        }
        _ = close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = AuditStoreError.posix("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        try syncFolder(folder)
    }

    /// Creates `path` (and its parents) when missing.
    static func makeFolder(_ path: String) throws(AuditStoreError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw AuditStoreError.posix("cannot create \(current)")
            }
        }
    }

    /// The whole file, or nil when it does not exist; larger than `limit` is an error.
    static func read(_ path: String, limit: Int) throws(AuditStoreError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw AuditStoreError.posix("cannot open \(path)")
        }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditStoreError.posix("cannot read \(path)")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= limit else {
                throw AuditStoreError(.tooLarge, "\(path) is larger than \(limit) bytes")
            }
        }
    }

    private static func syncFolder(_ folder: String) throws(AuditStoreError) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AuditStoreError.posix("cannot open folder \(folder)") }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw AuditStoreError.posix("cannot fsync folder \(folder)") }
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

#if canImport(Darwin)
private let systemWrite = Darwin.write
private let systemRead = Darwin.read
#elseif canImport(Musl)
private let systemWrite = Musl.write
private let systemRead = Musl.read
#else
private let systemWrite = Glibc.write
private let systemRead = Glibc.read
#endif
