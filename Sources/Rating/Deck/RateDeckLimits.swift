/// Caps that keep a hostile or broken deck from costing the node memory or time.
public struct RateDeckLimits: Hashable, Sendable {
    /// Largest file accepted, in bytes (checked before parsing).
    public var maxBytes: Int
    /// Most data rows accepted (the header is not counted).
    public var maxRows: Int
    /// Longest prefix, in digits (at most 18, so a prefix packs into 64 bits).
    public var maxPrefixDigits: Int
    /// Largest rate or fee, in micro-units.
    public var maxAmountMicros: Int64
    /// Longest increment or minimum duration, in seconds.
    public var maxSeconds: Int64

    /// 64 MiB, 1 000 000 rows, 18 digits, 1 000 000 units, one day.
    public static let `default` = RateDeckLimits(
        maxBytes: 64 << 20, maxRows: 1_000_000, maxPrefixDigits: 18,
        maxAmountMicros: 1_000_000 * Money.microsPerUnit, maxSeconds: 86_400
    )

    /// Limits; `maxPrefixDigits` is clamped to 1...18.
    public init(maxBytes: Int, maxRows: Int, maxPrefixDigits: Int, maxAmountMicros: Int64, maxSeconds: Int64) {
        self.maxBytes = maxBytes
        self.maxRows = maxRows
        self.maxPrefixDigits = min(max(maxPrefixDigits, 1), PrefixKey.maxDigits)
        self.maxAmountMicros = maxAmountMicros
        self.maxSeconds = maxSeconds
    }
}
