import Node
import Rating

// `[rating]`: least-cost routing, health scoring and negotiation; the whole section is optional.
// Also the rate deck keys of `[[customers]]` and `[[providers]]`: paths resolved against the
// configuration file's folder, and every deck loaded once at load time so a bad one refuses the start.
extension ConfigurationLoader {
    static let ratingKeys = [
        "min_spread", "max_bid_rounds", "tolerance_bp", "max_group_size", "reference_duration_s",
        "pdd_budget_ms", "latency_budget_ms", "target_acd_s",
        "health_window_attempts", "health_window_s", "health_min_samples", "health_min_bp",
        "weight_asr", "weight_acd", "weight_pdd", "weight_latency",
    ]

    // One hour: Rating scores a provider as cost × 20 000 in micro-units, which must fit in 64 bits
    // for the largest deck rate (10^6 per minute).
    static let maxReferenceDurationSeconds = 3600
    // Rating refuses amounts above 10^6 units; a larger spread could never be met.
    static let maxSpreadMicros: Int64 = 1_000_000 * 1_000_000

    static func decodeRating(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> RatingSettings {
        let defaults = RatingSettings()
        guard var reader else { return defaults }
        var minimumSpread = defaults.minimumSpreadMicros
        if let text = try reader.string("min_spread") {
            minimumSpread = try Self.spreadMicros(text, at: reader.keyPath("min_spread"), reader: reader)
        }
        let rounds = try reader.int("max_bid_rounds", default: defaults.maxBidRounds, in: 1...10, unit: "rounds")
        let tolerance = try reader.int("tolerance_bp", default: Int(defaults.toleranceBasisPoints), in: 0...10_000, unit: "basis points")
        let groupSize = try reader.int("max_group_size", default: defaults.maxGroupSize, in: 1...16, unit: "providers")
        let reference = try reader.int(
            "reference_duration_s", default: Int(defaults.referenceDurationSeconds),
            in: 1...Self.maxReferenceDurationSeconds, unit: "seconds"
        )
        let pdd = try reader.int("pdd_budget_ms", default: Self.milliseconds(defaults.pddBudget), in: 1...600_000, unit: "milliseconds")
        let latency = try reader.int(
            "latency_budget_ms", default: Self.milliseconds(defaults.latencyBudget), in: 1...60_000, unit: "milliseconds"
        )
        let acd = try reader.int("target_acd_s", default: Int(defaults.targetAcd.components.seconds), in: 1...86_400, unit: "seconds")
        let attempts = try reader.int(
            "health_window_attempts", default: defaults.healthWindowAttempts, in: 1...100_000, unit: "attempts"
        )
        let window = try reader.int(
            "health_window_s", default: Int(defaults.healthWindow.components.seconds), in: 1...604_800, unit: "seconds"
        )
        let samples = try reader.int("health_min_samples", default: defaults.healthMinimumSamples, in: 0...100_000, unit: "attempts")
        let minimumHealth = try reader.int(
            "health_min_bp", default: Int(defaults.healthMinimumBasisPoints), in: 0...10_000, unit: "basis points"
        )
        let weights = [
            try reader.int("weight_asr", default: Int(defaults.weightASR), in: 0...1000, unit: ""),
            try reader.int("weight_acd", default: Int(defaults.weightACD), in: 0...1000, unit: ""),
            try reader.int("weight_pdd", default: Int(defaults.weightPDD), in: 0...1000, unit: ""),
            try reader.int("weight_latency", default: Int(defaults.weightLatency), in: 0...1000, unit: ""),
        ]
        guard weights.contains(where: { $0 > 0 }) else {
            throw reader.error(.invalidValue, at: reader.keyPath("weight_asr"), "the four health weights must not all be 0")
        }
        try reader.finish()
        return RatingSettings(
            minimumSpreadMicros: minimumSpread, maxBidRounds: rounds, toleranceBasisPoints: Int64(tolerance),
            maxGroupSize: groupSize, referenceDurationSeconds: Int64(reference), pddBudget: .milliseconds(pdd),
            latencyBudget: .milliseconds(latency), targetAcd: .seconds(acd), healthWindowAttempts: attempts,
            healthWindow: .seconds(window), healthMinimumSamples: samples, healthMinimumBasisPoints: Int64(minimumHealth),
            weightASR: Int64(weights[0]), weightACD: Int64(weights[1]), weightPDD: Int64(weights[2]), weightLatency: Int64(weights[3])
        )
    }

    // A decimal string ("0.0030"), exact to the micro-unit like deck rates; a TOML float would be binary.
    private static func spreadMicros(_ text: String, at keyPath: String, reader: TOMLTableReader) throws(ConfigurationError) -> Int64 {
        let micros: Int64
        do {
            // The currency is irrelevant to the amount; XXX is ISO 4217's "no currency".
            micros = try Money.parse(text, currency: CurrencyCode("XXX")).micros
        } catch {
            throw reader.error(.invalidValue, at: keyPath, "expected a decimal amount such as \"0.0030\", got \(quoted(text))")
        }
        guard micros >= 0, micros <= Self.maxSpreadMicros else {
            throw reader.error(.invalidValue, at: keyPath, "must be between \"0\" and \"1000000\", got \(quoted(text))")
        }
        return micros
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    // `rate_deck` / `message_rate_deck`: a relative path names a file beside the configuration file,
    // so a configuration and its decks can move together.
    static func deckPath(_ key: String, reader: inout TOMLTableReader) throws(ConfigurationError) -> String? {
        guard let text = try reader.string(key) else { return nil }
        guard !text.isEmpty, !text.utf8.contains(0), text.utf8.count <= 4096 else {
            throw reader.error(.invalidValue, at: reader.keyPath(key), "must be a non-empty file path")
        }
        guard !text.hasPrefix("/") else { return text }
        let configuration = reader.context.fileName
        guard let slash = configuration.lastIndex(of: "/") else { return text }
        return String(configuration[...slash]) + text
    }

    // Loads every deck once; the first refused one refuses the configuration with the deck's
    // file, line and column as the reason, at the key that names it.
    static func validateRateDecks(_ configuration: NodeConfiguration, fileName: String) throws(ConfigurationError) {
        do {
            _ = try RatingSnapshot.load(configuration)
        } catch {
            throw ConfigurationError(.invalidValue, configurationFile: fileName, location: error.keyPath, reason: error.reason)
        }
    }
}
