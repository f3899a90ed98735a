/// Hard limits applied to every message; exceeding one is a typed error, never a crash.
public struct SIPParserLimits: Sendable, Hashable {
    /// Whole message including body.
    public var maxMessageBytes: Int
    public var maxHeaderCount: Int
    /// One header line after unfolding.
    public var maxLineBytes: Int

    public init(maxMessageBytes: Int = 65_535, maxHeaderCount: Int = 256, maxLineBytes: Int = 8_192) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxLineBytes = maxLineBytes
    }

    public static let `default` = SIPParserLimits()
}
