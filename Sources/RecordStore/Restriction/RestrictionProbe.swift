import Foundation

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let systemWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// A real write used while restricted and nothing is held: a fresh file with one page of bytes, fsync'd
/// and removed. A fresh file (not a rewrite) so that a full disk cannot satisfy it with a freed page.
protocol RestrictionProbe: Sendable {
    func probe() throws(RecordSinkError)
}

/// Probes in `DATA/admin/`.
struct FileRestrictionProbe: RestrictionProbe {
    let directory: String

    func probe() throws(RecordSinkError) {
        let path = directory + "/probe-\(getpid())"
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RecordSinkError(.fileOpenFailed, reason: "probe: cannot create \(path): \(POSIXRecordFile.describe(errno))")
        }
        defer {
            close(descriptor)
            unlink(path)
        }
        let page = [UInt8](repeating: UInt8(ascii: "\n"), count: 4_096)
        let written = page.withUnsafeBytes { bytes in systemWrite(descriptor, bytes.baseAddress, bytes.count) }
        guard written == page.count else {
            let reason = written < 0 ? POSIXRecordFile.describe(errno) : "short write (\(written) bytes)"
            throw RecordSinkError(.writeFailed, reason: "probe: write to \(path) failed: \(reason)")
        }
        guard fsync(descriptor) == 0 else {
            throw RecordSinkError(.syncFailed, reason: "probe: fsync of \(path) failed: \(POSIXRecordFile.describe(errno))")
        }
    }
}

/// For sinks over injected files: nothing on disk to probe, so a probe always succeeds.
struct NoRestrictionProbe: RestrictionProbe {
    func probe() throws(RecordSinkError) {}
}

/// The operator's release request: `DATA/admin/unrestrict`, created by `sipswarm admin unrestrict`.
public enum RestrictionRelease {
    /// The file's name inside `DATA/admin/`.
    public static let fileName = "unrestrict"

    /// `DATA/admin`.
    public static func adminDirectory(dataDirectory: String) -> String {
        dataDirectory + "/admin"
    }

    /// Creates the request file (and the admin folder); throws when it cannot.
    public static func request(dataDirectory: String) throws(RecordSinkError) {
        let directory = adminDirectory(dataDirectory: dataDirectory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecordSinkError(.dataDirectoryUnavailable, reason: "cannot create \(directory): \(error.localizedDescription)")
        }
        let path = directory + "/" + fileName
        guard FileManager.default.createFile(atPath: path, contents: Data()) else {
            throw RecordSinkError(.fileOpenFailed, reason: "cannot create \(path)")
        }
    }

    /// Whether a request is waiting; removes it if so.
    static func take(adminDirectory: String) -> Bool {
        let path = adminDirectory + "/" + fileName
        guard access(path, F_OK) == 0 else { return false }
        unlink(path)
        return true
    }
}
