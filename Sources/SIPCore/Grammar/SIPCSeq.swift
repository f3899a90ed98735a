/// CSeq header (RFC 3261 §20.16).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    public var sequence: UInt32
    public var method: SIPMethod

    public init(sequence: UInt32, method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let parts = String(text).split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let number = SIPDecimal.parse(parts[0], maxDigits: 10), number < 1 << 31 else {
            throw SIPParseError(.invalidHeaderValue, "CSeq malformed")
        }
        sequence = UInt32(number)
        method = SIPMethod(String(parts[1]))
    }

    public var description: String { "\(sequence) \(method.token)" }
}
