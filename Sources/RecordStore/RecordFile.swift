#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The platform's write(2) and close(2), shared by every descriptor-backed file in this module.
#if canImport(Darwin)
let descriptorWrite = Darwin.write
let descriptorClose = Darwin.close
#elseif canImport(Musl)
let descriptorWrite = Musl.write
let descriptorClose = Musl.close
#else
let descriptorWrite = Glibc.write
let descriptorClose = Glibc.close
#endif

/// An append-only file the sink's writer thread owns; a seam so tests can make writes fail or stall.
protocol RecordFile: Sendable {
    /// The file's path, for error messages.
    var path: String { get }

    /// Writes a prefix of `bytes` and returns how many were written.
    func write(_ bytes: UnsafeRawBufferPointer) throws(RecordSinkError) -> Int

    /// Makes written bytes durable.
    func sync() throws(RecordSinkError)

    /// Releases the file.
    func close()
}

extension RecordFile {
    /// Writes `buffer` completely, removing what was written from its front even when a write fails,
    /// so a retry neither loses nor repeats bytes.
    func writeAll(_ buffer: inout [UInt8]) throws(RecordSinkError) {
        var offset = 0
        defer { buffer.removeFirst(offset) }
        while offset < buffer.count {
            let start = offset
            let result = buffer.withUnsafeBytes { bytes in
                Result { () throws(RecordSinkError) -> Int in
                    try write(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                }
            }
            offset += try result.get()
        }
    }
}

/// A record file backed by an open descriptor: `write(2)` retried on EINTR, `fsync(2)`, `close(2)`.
protocol DescriptorRecordFile: RecordFile {
    var descriptor: Int32 { get }
}

extension DescriptorRecordFile {
    func write(_ bytes: UnsafeRawBufferPointer) throws(RecordSinkError) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        while true {
            let written = descriptorWrite(descriptor, base, bytes.count)
            if written >= 0 {
                return written
            }
            let code = errno
            if code != EINTR {
                throw RecordSinkError(.writeFailed, reason: "write to \(path) failed: \(POSIXRecordFile.describe(code))")
            }
        }
    }

    func sync() throws(RecordSinkError) {
        guard fsync(descriptor) == 0 else {
            let code = errno
            throw RecordSinkError(.syncFailed, reason: "fsync of \(path) failed: \(POSIXRecordFile.describe(code))")
        }
    }

    func close() {
        _ = descriptorClose(descriptor)
    }
}

/// A file opened with `O_APPEND`, written with `write(2)`.
struct POSIXRecordFile: DescriptorRecordFile {
    let path: String
    let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Creates `directory/baseName.jsonl`, or `baseName-2.jsonl` and so on when that exists:
    /// a file is never shared with an earlier process.
    static func createNew(
        in directory: String,
        baseName: String,
        fileExtension: String = ".jsonl"
    ) throws(RecordSinkError) -> POSIXRecordFile {
        for suffix in 1...1_000 {
            let name = suffix == 1 ? baseName + fileExtension : "\(baseName)-\(suffix)\(fileExtension)"
            let path = directory + "/" + name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                return POSIXRecordFile(path: path, descriptor: descriptor)
            }
            let code = errno
            if code != EEXIST {
                throw RecordSinkError(.fileOpenFailed, reason: "cannot create \(path): \(describe(code))")
            }
        }
        throw RecordSinkError(.fileOpenFailed, reason: "too many files named \(baseName) in \(directory)")
    }

    static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
