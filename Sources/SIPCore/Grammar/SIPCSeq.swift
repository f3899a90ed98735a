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
        let parsed: (UInt32, SIPMethod)? = text.withSIPBytes { bytes in
            let parts = bytes.base.split(whereSeparator: ASCIIByte.isBlank)
            guard parts.count == 2, let number = SIPDecimal.parseBytes(parts[0], maxDigits: 10), number < 1 << 31 else {
                return nil
            }
            return (UInt32(number), SIPMethod(String(decoding: parts[1], as: UTF8.self)))
        }
        guard let parsed else { throw SIPParseError(.invalidHeaderValue, "CSeq malformed") }
        (sequence, method) = parsed
    }

    public var description: String { "\(sequence) \(method.token)" }
}
