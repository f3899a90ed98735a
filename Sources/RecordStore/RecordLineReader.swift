#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
private let systemRead = Darwin.read
private let systemClose = Darwin.close
#elseif canImport(Musl)
private let systemRead = Musl.read
private let systemClose = Musl.close
#else
private let systemRead = Glibc.read
private let systemClose = Glibc.close
#endif

/// One line of a record file as recovery sees it.
struct RecordFileLine {
    /// The line's bytes without its `\n`.
    var bytes: ArraySlice<UInt8>
    /// 1-based line number in the file.
    var number: Int
    /// Byte offset of the line's first byte in the file.
    var offset: Int64
    /// Whether the line ended with `\n`; only the last line of a file can lack it (a torn write).
    var terminated: Bool
}

/// Reads a record file line by line in large chunks, so recovery streams files of any size.
enum RecordLineReader {
    /// A line longer than this is not a record; the file is refused rather than buffered without bound.
    static let maxLineBytes = 16 << 20
    private static let chunkBytes = 1 << 20

    /// Calls `body` for each line of `path` in order; `body` returns false to stop early.
    static func forEachLine(
        ofFile path: String,
        _ body: (RecordFileLine) throws(RecordSinkError) -> Bool
    ) throws(RecordSinkError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw RecordSinkError(.recoveryFailed, reason: "cannot open \(path): \(POSIXRecordFile.describe(code))")
        }
        defer { _ = systemClose(descriptor) }

        var pending: [UInt8] = []
        var pendingOffset: Int64 = 0
        var lineNumber = 0
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        while true {
            let count = try read(descriptor, into: &chunk, path: path)
            if count == 0 {
                break
            }
            pending.append(contentsOf: chunk[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                let line = RecordFileLine(
                    bytes: pending[start..<newline],
                    number: lineNumber,
                    offset: pendingOffset + Int64(start),
                    terminated: true
                )
                guard try body(line) else { return }
                start = newline + 1
            }
            pending.removeFirst(start)
            pendingOffset += Int64(start)
            guard pending.count <= maxLineBytes else {
                throw RecordSinkError(
                    .chainBroken,
                    reason: "\(path) line \(lineNumber + 1): longer than \(maxLineBytes) bytes, not a record"
                )
            }
        }
        if !pending.isEmpty {
            let line = RecordFileLine(
                bytes: pending[...],
                number: lineNumber + 1,
                offset: pendingOffset,
                terminated: false
            )
            _ = try body(line)
        }
    }

    private static func read(_ descriptor: Int32, into chunk: inout [UInt8], path: String) throws(RecordSinkError) -> Int {
        while true {
            let result = chunk.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress, buffer.count)
            }
            if result >= 0 {
                return result
            }
            let code = errno
            if code != EINTR {
                throw RecordSinkError(.recoveryFailed, reason: "cannot read \(path): \(POSIXRecordFile.describe(code))")
            }
        }
    }
}
