#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads a JSON Lines file in large chunks and hands out each line (without its `\n`) in place.
struct ChunkedLineReader: ~Copyable {
    /// How a read ended when it did not end cleanly.
    enum Problem: Error {
        /// open/read failed: the errno text.
        case io(String)
        /// A line longer than the limit; the 1-based line number.
        case lineTooLong(line: Int)
        /// The file ends without a final `\n`; the 1-based number of that last line.
        case tornLine(line: Int)
    }

    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private let maxLineBytes: Int

    /// Opens `path`; lines longer than `maxLineBytes` are refused.
    init(path: String, chunkBytes: Int = 4 << 20, maxLineBytes: Int) throws(Problem) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(String(cString: strerror(errno))) }
        self.descriptor = descriptor
        self.buffer = .allocate(byteCount: max(chunkBytes, 4096), alignment: 16)
        self.maxLineBytes = maxLineBytes
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// Calls `body` with every line and its 1-based number, in order; stops at the first error.
    mutating func forEachLine<E: Error>(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Void
    ) throws(E) -> Problem? {
        var filled = 0  // bytes in the buffer
        var start = 0  // first byte of the current (incomplete) line
        var scanned = 0  // bytes already searched for `\n`
        var lineNumber = 0
        while true {
            if filled == buffer.count {
                if start > 0 {
                    // Move the incomplete line to the front to make room.
                    let remaining = filled - start
                    if remaining > 0, let base = buffer.baseAddress {
                        memmove(base, base + start, remaining)
                    }
                    filled = remaining
                    scanned -= start
                    start = 0
                } else if buffer.count > maxLineBytes {
                    return .lineTooLong(line: lineNumber + 1)
                } else {
                    let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                    bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                    buffer.deallocate()
                    buffer = bigger
                }
            }
            guard let base = buffer.baseAddress else { return .io("no buffer") }
            let count = read(descriptor, base + filled, buffer.count - filled)
            if count < 0 {
                if errno == EINTR { continue }
                return .io(String(cString: strerror(errno)))
            }
            if count == 0 {
                return filled > start ? .tornLine(line: lineNumber + 1) : nil
            }
            filled += count
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            while scanned < filled {
                guard let found = memchr(bytes + scanned, 0x0A, filled - scanned) else {
                    scanned = filled
                    break
                }
                let end = bytes.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lineNumber += 1
                if end - start > maxLineBytes {
                    return .lineTooLong(line: lineNumber)
                }
                try body(UnsafeBufferPointer(start: bytes + start, count: end - start), lineNumber)
                start = end + 1
                scanned = start
            }
        }
    }
}
