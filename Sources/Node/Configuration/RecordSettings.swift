/// Record store settings (`[records]`): the harvest cycle and when a record file is rotated.
public struct RecordSettings: Sendable, Hashable {
    /// Time between harvest cycles (`[records] harvest_interval_ms`): each cycle appends everything pending and fsyncs it.
    public var harvestInterval: Duration
    /// A file is rotated once it holds this many records (`[records] rotate_max_records`).
    public var rotateMaxRecords: Int
    /// A file is rotated once it holds at least this many bytes (`[records] rotate_max_bytes`).
    public var rotateMaxBytes: Int
    /// A file is rotated once it has been current this long (`[records] rotate_max_age_s`).
    public var rotateMaxAge: Duration

    /// Default `[records] harvest_interval_ms`.
    public static let defaultHarvestInterval = Duration.milliseconds(100)
    /// Default `[records] rotate_max_records`.
    public static let defaultRotateMaxRecords = 100_000
    /// Default `[records] rotate_max_bytes` (64 MiB).
    public static let defaultRotateMaxBytes = 64 << 20
    /// Default `[records] rotate_max_age_s`.
    public static let defaultRotateMaxAge = Duration.seconds(3600)

    /// Creates settings; every argument defaults to the documented default.
    public init(
        harvestInterval: Duration = RecordSettings.defaultHarvestInterval,
        rotateMaxRecords: Int = RecordSettings.defaultRotateMaxRecords,
        rotateMaxBytes: Int = RecordSettings.defaultRotateMaxBytes,
        rotateMaxAge: Duration = RecordSettings.defaultRotateMaxAge
    ) {
        self.harvestInterval = harvestInterval
        self.rotateMaxRecords = rotateMaxRecords
        self.rotateMaxBytes = rotateMaxBytes
        self.rotateMaxAge = rotateMaxAge
    }
}
