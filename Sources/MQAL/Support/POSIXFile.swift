#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

#if canImport(Darwin)
private let systemRead = Darwin.pread
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#elseif canImport(Musl)
private let systemRead = Musl.pread
private let systemWrite = Musl.write
private let systemClose = Musl.close
#else
private let systemRead = Glibc.pread
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#endif

/// A file descriptor with the few calls streams need; every failure is a `StreamError` naming the path.
struct POSIXFile: ~Copyable {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Opens for reading.
    static func openForReading(_ path: String) throws(StreamError) -> POSIXFile {
        try open(path, flags: O_RDONLY | O_CLOEXEC)
    }

    /// Opens for appending, creating the file (mode 0644) when missing.
    static func openForAppending(_ path: String) throws(StreamError) -> POSIXFile {
        try open(path, flags: O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)
    }

    /// Creates or truncates for writing.
    static func create(_ path: String) throws(StreamError) -> POSIXFile {
        try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
    }

    private static func open(_ path: String, flags: Int32) throws(StreamError) -> POSIXFile {
        let descriptor = path.withCString { Foundation.open($0, flags, 0o644) }
        guard descriptor >= 0 else {
            throw Self.failure("cannot open \(path)", code: .storageFailed)
        }
        return POSIXFile(path: path, descriptor: descriptor)
    }

    /// Reads up to `count` bytes at `offset`; an empty result is the end of the file.
    func read(at offset: Int64, count: Int) throws(StreamError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let result = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, count, off_t(offset)) }
            if result >= 0 {
                buffer.removeLast(count - result)
                return buffer
            }
            if errno != EINTR {
                throw Self.failure("cannot read \(path)", code: .storageFailed)
            }
        }
    }

    /// Writes all of `bytes` (short writes continued, EINTR retried).
    func write(_ bytes: [UInt8]) throws(StreamError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if result > 0 {
                written += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                throw Self.failure("cannot write \(path)", code: .storageFailed)
            }
        }
    }

    /// fsync(2).
    func sync() throws(StreamError) {
        guard fsync(descriptor) == 0 else {
            throw Self.failure("cannot sync \(path)", code: .storageFailed)
        }
    }

    /// The file's size now.
    func size() throws(StreamError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw Self.failure("cannot stat \(path)", code: .storageFailed)
        }
        return Int64(info.st_size)
    }

    /// Cuts the file back to `length` bytes (undoing a partial append).
    func truncate(to length: Int64) throws(StreamError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw Self.failure("cannot truncate \(path)", code: .storageFailed)
        }
    }

    deinit {
        _ = systemClose(descriptor)
    }

    static func failure(_ what: String, code: StreamError.Code, file: String = #fileID, line: Int = #line) -> StreamError {
        let number = errno
        return StreamError(code, reason: "\(what): \(String(cString: strerror(number)))", file: file, line: line)
    }
}

/// Directory-level operations: creating, listing, atomic replacement.
enum POSIXDirectory {
    /// Creates `path` and its parents.
    static func create(_ path: String) throws(StreamError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StreamError(.storageFailed, reason: "cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Names in `path` (not sorted); an absent directory is empty.
    static func names(in path: String) throws(StreamError) -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw StreamError(.storageFailed, reason: "cannot list \(path): \(error.localizedDescription)")
        }
    }

    /// fsyncs the directory, so a create or rename in it survives a crash.
    static func sync(_ path: String) throws(StreamError) {
        let descriptor = path.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw POSIXFile.failure("cannot open directory \(path)", code: .storageFailed)
        }
        defer { _ = systemClose(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw POSIXFile.failure("cannot sync directory \(path)", code: .storageFailed)
        }
    }

    /// Replaces `path` with `bytes` so a reader sees the old or the new content, never a mix, even after a
    /// crash: temporary file, fsync, rename, fsync of the directory.
    static func replaceAtomically(_ path: String, with bytes: [UInt8]) throws(StreamError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp"
        do {
            let file = try POSIXFile.create(temporary)
            try file.write(bytes)
            try file.sync()
        }
        guard rename(temporary, path) == 0 else {
            throw POSIXFile.failure("cannot rename \(temporary) to \(path)", code: .storageFailed)
        }
        try sync(directory)
    }
}
