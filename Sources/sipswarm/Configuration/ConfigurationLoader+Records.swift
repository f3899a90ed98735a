import Node

// `[records]`: harvest cycle and rotation thresholds; the whole section is optional.
extension ConfigurationLoader {
    static let recordsKeys = ["harvest_interval_ms", "rotate_max_records", "rotate_max_bytes", "rotate_max_age_s"]

    // Ten seconds at most: a record must reach disk within one cycle of its session's end.
    static let maxHarvestIntervalMilliseconds = 10_000
    // Limits that keep a file something a tool can still open and hash in one go.
    static let maxRotateRecords = 1_000_000_000
    static let maxRotateBytes = 1 << 40
    static let maxRotateAgeSeconds = 31_536_000

    static func decodeRecords(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> RecordSettings {
        let defaults = RecordSettings()
        guard var reader else { return defaults }
        let harvest = try reader.int(
            "harvest_interval_ms",
            default: Self.milliseconds(defaults.harvestInterval),
            in: 1...Self.maxHarvestIntervalMilliseconds,
            unit: "milliseconds"
        )
        let maxRecords = try reader.int(
            "rotate_max_records",
            default: defaults.rotateMaxRecords,
            in: 1...Self.maxRotateRecords,
            unit: "records"
        )
        let maxBytes = try reader.int(
            "rotate_max_bytes",
            default: defaults.rotateMaxBytes,
            in: 1...Self.maxRotateBytes,
            unit: "bytes"
        )
        let maxAge = try reader.int(
            "rotate_max_age_s",
            default: Int(defaults.rotateMaxAge.components.seconds),
            in: 1...Self.maxRotateAgeSeconds,
            unit: "seconds"
        )
        try reader.finish()
        return RecordSettings(
            harvestInterval: .milliseconds(harvest),
            rotateMaxRecords: maxRecords,
            rotateMaxBytes: maxBytes,
            rotateMaxAge: .seconds(maxAge)
        )
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
