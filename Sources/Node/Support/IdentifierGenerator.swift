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

    mutating func callID() -> String { String(next(), radix: 36) + String(next() >> 16, radix: 36) + "@" + host }

    /// Session id: 32 hex digits, unique per node run.
    mutating func sessionID() -> String {
        let high = String(next(), radix: 16)
        let low = String(next(), radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }
}
