/// Who wrote a chain line and where it sits in its chain (`node`, `kind`, `seq`), read by the verifier's canonical
/// scanner without building any value. Publishers read every line they stream this way.
public struct ChainLineHeader: Sendable, Hashable {
    public let node: String
    public let kind: String
    public let seq: UInt64

    /// The header of `line` (without its `\n`) when it is a canonical JSON object with string `node` and `kind` and
    /// a positive integer `seq`; nil otherwise, including for a valid line the scanner does not take (not canonical,
    /// or an escape inside `node` or `kind`), which a caller may hand to a full JSON parser.
    public init?(line: ArraySlice<UInt8>) {
        guard let header = line.withUnsafeBufferPointer({ Self.read($0) }) else { return nil }
        self = header
    }

    private init(node: String, kind: String, seq: UInt64) {
        self.node = node
        self.kind = kind
        self.seq = seq
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> ChainLineHeader? {
        guard let fields = CanonicalLineScanner.scan(bytes),
              let nodeRange = fields.node, let kindRange = fields.kind, let seqRange = fields.seq,
              let node = plainString(nodeRange, in: bytes), let kind = plainString(kindRange, in: bytes),
              let seq = positiveInteger(seqRange, in: bytes)
        else {
            return nil
        }
        return ChainLineHeader(node: node, kind: kind, seq: seq)
    }

    /// The contents of a string value (range with its quotes) that holds no escape.
    private static func plainString(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
        return String(decoding: inner, as: UTF8.self)
    }

    /// A canonical integer value above zero that fits in UInt64.
    private static func positiveInteger(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for position in range {
            let byte = bytes[position]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value > 0 ? value : nil
    }
}
