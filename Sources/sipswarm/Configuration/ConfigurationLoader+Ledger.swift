import Node

// `[ledger]`: checkpoint cadence; the whole section is optional.
extension ConfigurationLoader {
    static let ledgerKeys = ["checkpoint_interval_s"]

    // One day at most: a longer gap leaves records unsigned for longer than any audit would accept.
    static let maxCheckpointIntervalSeconds = 86_400

    static func decodeLedger(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> LedgerSettings {
        let defaults = LedgerSettings()
        guard var reader else { return defaults }
        let interval = try reader.int(
            "checkpoint_interval_s",
            default: Int(defaults.checkpointInterval.components.seconds),
            in: 1...Self.maxCheckpointIntervalSeconds,
            unit: "seconds"
        )
        try reader.finish()
        return LedgerSettings(checkpointInterval: .seconds(interval))
    }
}
