import CSystemRandom
import Synchronization

/// Random bytes from the kernel's CSPRNG, fetched 4 KiB at a time.
///
/// Swift's `SystemRandomNumberGenerator` makes one getrandom(2) call per 8 bytes; record ids took 8 system calls a call
/// on the node's event loop (issue 9, `perf stat`). The bytes are the same kernel output, handed out in order and
/// never twice. Shared by every thread behind a mutex (taken for a 16-byte copy).
enum SystemRandomPool {
    private static let capacity = 4096

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: SystemRandomPool.capacity)
        var next = SystemRandomPool.capacity
    }

    private static let pool = Mutex(Pool())

    /// Sixteen fresh random bytes, as two words.
    static func next128() -> (UInt64, UInt64) {
        pool.withLock { pool in
            if pool.next + 16 > capacity {
                refill(&pool.bytes)
                pool.next = 0
            }
            let start = pool.next
            pool.next += 16
            return pool.bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: start, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self))
            }
        }
    }

    private static func refill(_ bytes: inout [UInt8]) {
        let filled = bytes.withUnsafeMutableBytes { c_system_random_fill($0.baseAddress, $0.count) }
        guard filled != 0 else { return }
        // The kernel refused (no getrandom): the standard generator, which stops the process if it has no source.
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
    }
}
