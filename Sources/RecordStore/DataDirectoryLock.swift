#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
private let systemClose = Darwin.close
#elseif canImport(Musl)
private let systemClose = Musl.close
#else
private let systemClose = Glibc.close
#endif

/// An exclusive `flock(2)` on `DATA/.lock`: one writer per data directory, so two nodes (or two sinks) can never
/// fork a chain by appending to it at once. The kernel drops the lock if the process dies.
struct DataDirectoryLock: Sendable {
    /// The lock file's name in the data directory.
    static let fileName = ".lock"

    private let descriptor: Int32

    /// Takes the lock without waiting; throws `dataDirectoryLocked` when another writer holds it.
    static func acquire(dataDirectory: String) throws(RecordSinkError) -> DataDirectoryLock {
        let path = dataDirectory + "/" + fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw RecordSinkError(.dataDirectoryUnavailable, reason: "cannot open \(path): \(POSIXRecordFile.describe(code))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            _ = systemClose(descriptor)
            if code == EWOULDBLOCK {
                throw RecordSinkError(
                    .dataDirectoryLocked,
                    reason: "\(dataDirectory) is in use by another node or record sink (\(path) is locked)"
                )
            }
            throw RecordSinkError(.dataDirectoryUnavailable, reason: "cannot lock \(path): \(POSIXRecordFile.describe(code))")
        }
        return DataDirectoryLock(descriptor: descriptor)
    }

    /// Releases the lock.
    func release() {
        _ = systemClose(descriptor)
    }
}
