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

    /// Releases the lock. Unlocks before closing: an `flock` belongs to the open file description, and a child that
    /// any thread of this process is forking holds a copy of every descriptor until its exec (where close-on-exec
    /// acts). A bare `close` would leave the lock held through that copy, and a sink reopened at once in the same
    /// process (a restart in the tests, which start servers all the time) would find its own directory locked.
    func release() {
        _ = flock(descriptor, LOCK_UN)
        _ = systemClose(descriptor)
    }
}
