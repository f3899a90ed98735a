import Node

// `[restriction]`: CDR Restriction thresholds; the whole section is optional.
extension ConfigurationLoader {
    static let restrictionKeys = ["failures", "probe_successes", "retry_after_s"]

    static let maxRestrictionCount = 1_000
    // One day: a Retry-After beyond that is a misconfiguration, not back-off.
    static let maxRetryAfterSeconds = 86_400

    static func decodeRestriction(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> RestrictionSettings {
        let defaults = RestrictionSettings()
        guard var reader else { return defaults }
        let failures = try reader.int(
            "failures",
            default: defaults.failures,
            in: 1...Self.maxRestrictionCount,
            unit: "failed writes"
        )
        let probes = try reader.int(
            "probe_successes",
            default: defaults.probeSuccesses,
            in: 1...Self.maxRestrictionCount,
            unit: "successful writes"
        )
        let retryAfter = try reader.int(
            "retry_after_s",
            default: Int(defaults.retryAfter.components.seconds),
            in: 1...Self.maxRetryAfterSeconds,
            unit: "seconds"
        )
        try reader.finish()
        return RestrictionSettings(failures: failures, probeSuccesses: probes, retryAfter: .seconds(retryAfter))
    }
}
