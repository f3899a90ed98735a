// Short runs copied inline: a record is some 90 keys and values of 2 to 30 bytes, and a call to memmove for each
// (what `update(from:count:)` compiles to) cost more than the copy itself, about a tenth of sealing a record.
extension CanonicalOutput {
    /// Copies `count` bytes from `source` to `target` (which do not overlap), with word loads and stores that
    /// overlap at the end instead of a loop over the last bytes; runs longer than `inlineLimit` go to memmove.
    @inline(__always)
    static func copyShort(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 8 {
            guard count <= inlineLimit else {
                target.update(from: source, count: count)
                return
            }
            var offset = 0
            while count - offset > 8 {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            // The last eight bytes, the first of them possibly copied already.
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
        } else {
            for index in 0..<count {
                target[index] = source[index]
            }
        }
    }

    /// Whether the `count` bytes at `a` and `b` are equal: compared a word at a time, the last word overlapping.
    static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        let left = UnsafeRawPointer(a)
        let right = UnsafeRawPointer(b)
        guard count >= 8 else {
            for index in 0..<count where a[index] != b[index] {
                return false
            }
            return true
        }
        var offset = 0
        while count - offset > 8 {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    // Beyond this many bytes memmove's own word loop wins.
    private static let inlineLimit = 64
}
