/// CSeq header (RFC 3261 §20.16).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    public var sequence: UInt32
    public var method: SIPMethod

    public init(sequence: UInt32, method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        // Bytes: SP or HTAB followed by a combining mark would hide the separator from a Character split.
        // Exactly two blank-separated words, found in place (a split would allocate on every message).
        let parsed: (UInt32, SIPMethod)? = text.withSIPBytes { bytes in
            let base = bytes.base
            var index = 0
            func word() -> Range<Int>? {
                while index < base.count, ASCIIByte.isBlank(base[index]) { index += 1 }
                let start = index
                while index < base.count, !ASCIIByte.isBlank(base[index]) { index += 1 }
                return start < index ? start..<index : nil
            }
            guard let digits = word(), let token = word(), word() == nil,
                  let number = SIPDecimal.parseBytes(base[digits], maxDigits: 10),
                  number < 1 << 31
            else { return nil }
            return (UInt32(number), SIPMethod(String(decoding: base[token], as: UTF8.self)))
        }
        guard let parsed else { throw SIPParseError(.invalidHeaderValue, "CSeq malformed") }
        (sequence, method) = parsed
    }

    public var description: String { "\(sequence) \(method.token)" }
}
