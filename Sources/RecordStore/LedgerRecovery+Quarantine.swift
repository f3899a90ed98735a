import Foundation

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

extension LedgerRecovery {
    /// Moves torn tails aside: the bytes are durable in `DATA/quarantine/` before the record file is truncated.
    enum Quarantine {
        /// Copies `path` from `offset` to its end into a new quarantine file (synced), then truncates `path` to `offset` (synced).
        static func moveTail(
            ofFile path: String,
            relativePath: String,
            from offset: Int64,
            dataDirectory: String,
            stamp: String
        ) throws(RecordSinkError) -> QuarantinedTail {
            let tail = try readTail(ofFile: path, from: offset)
            let folder = dataDirectory + "/quarantine"
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw RecordSinkError(.recoveryFailed, reason: "cannot create \(folder): \(error.localizedDescription)")
            }
            let fileName = String(relativePath.split(separator: "/").last ?? Substring(relativePath))
            let quarantine = try POSIXRecordFile.createNew(in: folder, baseName: "\(fileName).torn-\(stamp)", fileExtension: "")
            var remaining = tail
            do {
                defer { quarantine.close() }
                try quarantine.writeAll(&remaining)
                try quarantine.sync()
            } catch {
                throw RecordSinkError(.recoveryFailed, reason: "cannot write \(quarantine.path): \(error.reason)")
            }
            try syncDirectory(folder)
            try truncate(path, to: offset)
            let quarantineName = String(quarantine.path.split(separator: "/").last ?? "")
            return QuarantinedTail(file: relativePath, bytes: tail.count, quarantineFile: "quarantine/" + quarantineName)
        }

        private static func readTail(ofFile path: String, from offset: Int64) throws(RecordSinkError) -> [UInt8] {
            let data: Data
            do {
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                try handle.seek(toOffset: UInt64(offset))
                data = try handle.readToEnd() ?? Data()
            } catch {
                throw RecordSinkError(.recoveryFailed, reason: "cannot read the tail of \(path): \(error.localizedDescription)")
            }
            return Array(data)
        }

        private static func truncate(_ path: String, to offset: Int64) throws(RecordSinkError) {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let code = errno
                throw RecordSinkError(.recoveryFailed, reason: "cannot open \(path): \(POSIXRecordFile.describe(code))")
            }
            defer { _ = systemClose(descriptor) }
            guard ftruncate(descriptor, off_t(offset)) == 0, fsync(descriptor) == 0 else {
                let code = errno
                throw RecordSinkError(
                    .recoveryFailed,
                    reason: "cannot truncate \(path) to \(offset) bytes: \(POSIXRecordFile.describe(code))"
                )
            }
        }

        // The new quarantine file's directory entry must survive a crash before the original loses the bytes.
        private static func syncDirectory(_ path: String) throws(RecordSinkError) {
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let code = errno
                throw RecordSinkError(.recoveryFailed, reason: "cannot open \(path): \(POSIXRecordFile.describe(code))")
            }
            defer { _ = systemClose(descriptor) }
            guard fsync(descriptor) == 0 else {
                let code = errno
                throw RecordSinkError(.recoveryFailed, reason: "cannot sync \(path): \(POSIXRecordFile.describe(code))")
            }
        }
    }
}
