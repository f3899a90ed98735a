#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A chain file opened for rotation: created under a hidden temporary name (the pre-opened `next`),
/// renamed to its final name when it becomes current; written with `O_APPEND`.
struct LedgerFileHandle: DescriptorRecordFile {
    let path: String
    let descriptor: Int32

    /// The suffix of a pre-created `next` file; verifiers and recovery read only `*.jsonl`.
    static let nextSuffix = ".jsonl.open"

    /// Creates an empty hidden `next` file `.<kind>-next-<stamp>[-n].jsonl.open` in `directory`, opened for appending.
    static func createNext(in directory: String, kind: String, stamp: String) throws(RecordSinkError) -> LedgerFileHandle {
        for suffix in 1...1_000 {
            let name = suffix == 1 ? ".\(kind)-next-\(stamp)\(nextSuffix)" : ".\(kind)-next-\(stamp)-\(suffix)\(nextSuffix)"
            let path = directory + "/" + name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                return LedgerFileHandle(path: path, descriptor: descriptor)
            }
            let code = errno
            if code != EEXIST {
                throw RecordSinkError(.fileOpenFailed, reason: "cannot create \(path): \(POSIXRecordFile.describe(code))")
            }
        }
        throw RecordSinkError(.fileOpenFailed, reason: "too many next files for \(kind) in \(directory)")
    }

    /// Gives the file `name` in its directory; refuses to replace an existing file.
    func renamed(to name: String) throws(RecordSinkError) -> LedgerFileHandle {
        let target = Self.directory(of: path) + "/" + name
        // link + unlink instead of rename: link fails on an existing name, so no file is ever replaced.
        guard link(path, target) == 0 else {
            let code = errno
            throw RecordSinkError(.fileOpenFailed, reason: "cannot name \(path) \(target): \(POSIXRecordFile.describe(code))")
        }
        _ = unlink(path)
        return LedgerFileHandle(path: target, descriptor: descriptor)
    }

    /// The folder part of `path` (`.` when there is none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Makes the entries of `directory` (renames, new files) durable.
    static func syncDirectory(_ directory: String) throws(RecordSinkError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw RecordSinkError(.syncFailed, reason: "cannot open directory \(directory): \(POSIXRecordFile.describe(code))")
        }
        defer { _ = descriptorClose(descriptor) }
        guard fsync(descriptor) == 0 else {
            let code = errno
            throw RecordSinkError(.syncFailed, reason: "fsync of directory \(directory) failed: \(POSIXRecordFile.describe(code))")
        }
    }

    /// Writes `bytes` to `directory/name` atomically: a temporary file, fsync, rename, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], directory: String, name: String) throws(RecordSinkError) {
        let temporary = directory + "/." + name + ".tmp"
        let target = directory + "/" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw RecordSinkError(.fileOpenFailed, reason: "cannot create \(temporary): \(POSIXRecordFile.describe(code))")
        }
        let file = LedgerFileHandle(path: temporary, descriptor: descriptor)
        do throws(RecordSinkError) {
            var pending = bytes
            try file.writeAll(&pending)
            try file.sync()
        } catch {
            file.close()
            _ = unlink(temporary)
            throw error
        }
        file.close()
        guard rename(temporary, target) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw RecordSinkError(.writeFailed, reason: "cannot rename \(temporary) to \(target): \(POSIXRecordFile.describe(code))")
        }
        try syncDirectory(directory)
    }

    /// Removes the empty `next` files a crash left in `directory`; a non-empty one is left for an operator.
    static func removeStaleNextFiles(in directory: String) {
        guard let folder = opendir(directory) else { return }
        defer { closedir(folder) }
        var stale: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("."), name.hasSuffix(nextSuffix) else { continue }
            stale.append(directory + "/" + name)
        }
        for path in stale {
            var info = stat()
            if stat(path, &info) == 0, info.st_size == 0 {
                _ = unlink(path)
            }
        }
    }
}
