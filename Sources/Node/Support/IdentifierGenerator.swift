/// Tags, branches and Call-IDs. A xorshift generator seeded once from the system RNG keeps the
/// per-call path free of syscalls; uniqueness comes from the counter, unpredictability from the seed.
struct IdentifierGenerator {
    private var state: UInt64
    private var counter: UInt64 = 0
    /// Branch prefix that marks requests this node sent: loop detection looks for it.
    let branchPrefix: String
    private let branchPrefixBytes: [UInt8]
    private let host: String

    init(nodeID: String, host: String) {
        var seed: UInt64 = 0
        while seed == 0 { seed = UInt64.random(in: 1...UInt64.max) }
        state = seed
        var hash: UInt32 = 2_166_136_261
        for byte in nodeID.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        branchPrefix = "z9hG4bK-" + String(hash, radix: 36) + "-"
        branchPrefixBytes = Array(branchPrefix.utf8)
        self.host = host
    }

    /// Whether `text` (a Via line) holds a branch this node made. Byte-wise: `String.contains` compares
    /// Characters, and grapheme breaking every Via line of every request showed up in the issue 9 profile.
    func containsBranchPrefix(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            let needle = branchPrefixBytes
            guard let first = needle.first, haystack.count >= needle.count else { return false }
            var start = 0
            while start <= haystack.count - needle.count {
                if haystack[start] == first, needle.indices.allSatisfy({ haystack[start + $0] == needle[$0] }) {
                    return true
                }
                start += 1
            }
            return false
        }
    }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        counter &+= 1
        return state ^ (counter &* 0x9E37_79B9_7F4A_7C15)
    }

    mutating func tag() -> String { String(next(), radix: 36) }

    mutating func branch() -> String { branchPrefix + String(next(), radix: 36) }

    mutating func callID() -> String {
        let first = next()
        let second = next() >> 16
        return Self.format(capacity: 13 + 10 + 1 + host.utf8.count) { output in
            output.append(first, radix: 36)
            output.append(second, radix: 36)
            output.append(UInt8(ascii: "@"))
            output.append(host)
        }
    }

    /// Session id: 32 hex digits, unique per node run.
    mutating func sessionID() -> String {
        let high = next()
        let low = next()
        return Self.format(capacity: 32) { output in
            output.append(high, radix: 16, width: 16)
            output.append(low, radix: 16, width: 16)
        }
    }

    // Identifiers are written straight into the string's storage: concatenating the pieces cost an allocation per
    // piece, several per call.
    static func format(capacity: Int, _ write: (inout IdentifierWriter) -> Void) -> String {
        String(unsafeUninitializedCapacity: capacity) { buffer in
            var writer = IdentifierWriter(buffer: buffer)
            write(&writer)
            return writer.count
        }
    }
}

/// Appends ASCII into a string's uninitialized storage; `IdentifierGenerator.format` sizes it for the worst case.
struct IdentifierWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func append(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }

    mutating func append(_ text: String) {
        for byte in text.utf8 { append(byte) }
    }

    /// `value` in `radix` (lower-case digits), left-padded with zeros to `width`; the same digits as
    /// `String(value, radix:)`.
    mutating func append(_ value: UInt64, radix: UInt64, width: Int = 1) {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var remaining = value
            var length = 0
            repeat {
                let digit = UInt8(truncatingIfNeeded: remaining % radix)
                scratch[length] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                remaining /= radix
                length += 1
            } while remaining > 0
            for _ in length..<max(length, width) { append(UInt8(ascii: "0")) }
            while length > 0 {
                length -= 1
                append(scratch[length])
            }
        }
    }
}
