/// The bytes of a canonical JSON text being written: an array kept filled to its capacity and written through a
/// pointer, with the written count beside it.
///
/// Writing a record appends some 90 short runs (punctuation, keys, values); `Array.append` per run paid a
/// uniqueness and capacity check each and showed up in profiles. Here one check makes room for a whole run.
struct CanonicalOutput {
    // Bytes `0..<count` are written; the rest (zeros) is room. `finish()` truncates.
    private var storage: [UInt8]
    private(set) var count: Int

    /// An output starting with `prefix`, with room for at least `capacity` more bytes before it grows.
    init(prefix: [UInt8] = [], capacity: Int = 0) {
        count = prefix.count
        let room = Swift.max(capacity, 64)
        guard count > 0 else {
            // Filled by memset: appending `repeatElement` went byte by byte (1.6 % of sealing a record).
            storage = [UInt8](repeating: 0, count: room)
            return
        }
        storage = prefix
        storage.append(contentsOf: repeatElement(0, count: room))
    }

    /// An output writing from the start of `storage`, whose bytes are all room (a buffer used again).
    init(reusing storage: [UInt8]) {
        self.storage = storage
        count = 0
    }

    /// Writes through `body`, which gets a pointer to at least `room` free bytes and returns how many it wrote
    /// (at most `room`).
    @inline(__always)
    mutating func write(room: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if storage.count - count < room {
            grow(toHold: count + room)
        }
        let start = count
        let written = storage.withUnsafeMutableBufferPointer { buffer in
            // Only an empty buffer has no base address, and then `room` is 0: nothing to write.
            guard let base = buffer.baseAddress else { return 0 }
            return body(base + start)
        }
        count = start + written
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        write(room: 1) { out in
            out.pointee = byte
            return 1
        }
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        write(room: bytes.count) { out in
            Self.copyShort(source, to: out, count: bytes.count)
            return bytes.count
        }
    }

    /// Calls `body` with the bytes written so far.
    func withWrittenBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    /// Compares the bytes written from `offset` on with `bytes`.
    func written(from offset: Int, equals bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count - offset == bytes.count else { return false }
        // Compared through pointers: `elementsEqual` on an array slice went element by element through generic
        // code (about 1 % of sealing a record, for the chain's `kind` and `node`).
        return storage.withUnsafeBufferPointer { written in
            guard let base = written.baseAddress, let other = bytes.baseAddress else { return bytes.isEmpty }
            return Self.equalBytes(base + offset, other, count: bytes.count)
        }
    }

    /// Forgets the bytes written from `offset` on.
    mutating func truncate(to offset: Int) {
        count = Swift.min(count, offset)
    }

    /// The written bytes; this output is left empty. The array is the storage itself, cut to `count`.
    mutating func finish() -> [UInt8] {
        var finished: [UInt8] = []
        swap(&finished, &storage)
        finished.removeLast(finished.count - count)
        count = 0
        return finished
    }

    private mutating func grow(toHold needed: Int) {
        let target = Swift.max(needed, storage.count * 2)
        storage.append(contentsOf: repeatElement(0, count: target - storage.count))
    }
}
