/// Reads complete lines of one growing chain file from where it left off: keeps the descriptor and the offset,
/// so following a file costs one `pread` per chunk, never a re-read from the start.
final class ChainFileReader {
    /// A line longer than this is not a record; refusing it bounds the buffer.
    static let maxLineBytes = 16 << 20
    private static let chunkBytes = 64 << 10

    let name: String
    let path: String
    private let file: POSIXFile
    private var buffer: [UInt8] = []
    // Index in `buffer` of the first byte not yet returned.
    private var position = 0
    // File offset just past the buffer's last byte.
    private var fileOffset: Int64 = 0

    init(directory: String, name: String) throws(StreamError) {
        self.name = name
        self.path = directory + "/" + name
        self.file = try POSIXFile.openForReading(path)
    }

    /// The next complete line without its `\n`, or nil when none is complete now (the end, or a write in progress).
    func nextLine() throws(StreamError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                return line
            }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let chunk = try file.read(at: fileOffset, count: Self.chunkBytes)
            guard !chunk.isEmpty else { return nil }
            fileOffset += Int64(chunk.count)
            buffer.append(contentsOf: chunk)
            guard buffer.count <= Self.maxLineBytes else {
                throw StreamError(.chainUnreadable, reason: "\(path): a line longer than \(Self.maxLineBytes) bytes")
            }
        }
    }
}
