#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few POSIX file operations the queue and the local exporter need, each made durable the same way the record
/// store does it: data fsync'd before a rename, the folder fsync'd after it, so a crash leaves either the old state
/// or the new one.
enum DurableFiles {
    /// Creates `path` and its missing parents, fsyncing each parent that gained an entry.
    static func makeDirectory(_ path: String) throws(ExportError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = parentDirectory(of: path)
        if parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw localError("cannot create directory \(path)", errno)
        }
        try syncDirectory(parent)
    }

    /// Writes `bytes` to `path` atomically: temporary file beside it, fsync, rename, fsync of the folder.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ExportError) {
        let temporary = parentDirectory(of: path) + "/." + fileName(of: path) + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw localError("cannot create \(temporary)", errno) }
        do throws(ExportError) {
            try writeAll(bytes[...], to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw localError("fsync of \(temporary) failed", errno) }
        } catch {
            _ = close(descriptor)
            _ = unlink(temporary)
            throw error
        }
        _ = close(descriptor)
        try commit(temporary: temporary, to: path)
    }

    /// Renames a complete, fsync'd `temporary` onto `path` and makes the rename durable.
    static func commit(temporary: String, to path: String) throws(ExportError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw localError("cannot rename \(temporary) to \(path)", code)
        }
        try syncDirectory(parentDirectory(of: path))
    }

    /// Removes `path` (absent is fine) and makes the removal durable.
    static func remove(_ path: String) throws(ExportError) {
        if unlink(path) != 0 {
            guard errno == ENOENT else { throw localError("cannot remove \(path)", errno) }
            return
        }
        try syncDirectory(parentDirectory(of: path))
    }

    /// fsyncs the folder so entries created, renamed or removed in it survive a crash.
    static func syncDirectory(_ path: String) throws(ExportError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw localError("cannot open directory \(path)", errno) }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw localError("fsync of directory \(path) failed", errno) }
    }

    /// Writes every byte of `bytes`, retrying short writes and EINTR.
    static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws(ExportError) {
        var rest = bytes
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw localError("write to \(path) failed", errno)
            }
            rest = rest.dropFirst(written)
        }
    }

    /// Names in `directory` (no `.` entries); empty when the folder does not exist.
    static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// Whether `path` exists.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The UTC modification time of `path` in seconds since the epoch.
    static func modificationSeconds(of path: String) throws(ExportError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw localError("cannot stat \(path)", errno) }
        #if canImport(Darwin)
        return Int64(info.st_mtimespec.tv_sec)
        #else
        return Int64(info.st_mtim.tv_sec)
        #endif
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func localError(_ what: String, _ code: Int32) -> ExportError {
        ExportError(.localFile, reason: "\(what): \(String(cString: strerror(code)))", retryable: true)
    }
}
