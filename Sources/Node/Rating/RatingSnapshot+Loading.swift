public import Rating

extension RatingSnapshot {
    /// Loads every deck `configuration` names and checks `[rating]` and the provider limits.
    ///
    /// All or nothing: the first refused deck or value throws, naming its configuration key. A file
    /// named by several trunks is read once. Deck paths are used as they stand in the configuration
    /// (the TOML loader has already resolved them against the configuration file's folder).
    /// Calls-per-second buckets start full at `timeMicros` (any earlier time also means full).
    public static func load(_ configuration: NodeConfiguration, at timeMicros: Int64 = 0) throws(RatingBookError) -> RatingSnapshot {
        var cache: [String: RateDeck] = [:]
        func deck(_ path: String?, keyPath: String) throws(RatingBookError) -> RateDeck? {
            guard let path else {
                return nil
            }
            if let loaded = cache[path] {
                return loaded
            }
            do {
                let loaded = try RateDeckLoader.load(path: path)
                cache[path] = loaded
                return loaded
            } catch {
                throw RatingBookError.deck(error, path: path, keyPath: keyPath)
            }
        }

        var customers: [String: Trunk] = [:]
        for (index, customer) in configuration.customers.enumerated() {
            customers[customer.id] = Trunk(
                id: customer.id,
                index: index,
                perMinute: try deck(customer.rateDeck, keyPath: "customers[\(index)].rate_deck"),
                perMessage: try deck(customer.messageRateDeck, keyPath: "customers[\(index)].message_rate_deck"),
                limits: ProviderLimits(),
                capacity: nil
            )
        }
        var providers: [Trunk] = []
        let indices = Dictionary(configuration.providers.enumerated().map { ($0.element.id, $0.offset) }) { first, _ in first }
        for provider in configuration.orderedProviders {
            let index = indices[provider.id] ?? 0
            let limits = ProviderLimits(maxConcurrent: provider.maxConcurrent, callsPerSecond: provider.callsPerSecond)
            providers.append(Trunk(
                id: provider.id,
                index: index,
                perMinute: try deck(provider.rateDeck, keyPath: "providers[\(index)].rate_deck"),
                perMessage: try deck(provider.messageRateDeck, keyPath: "providers[\(index)].message_rate_deck"),
                limits: limits,
                // Built here so a bad limit is refused at load time, not at the first call.
                capacity: try ProviderCapacityState.make(limits, at: timeMicros, keyPath: "providers[\(index)]")
            ))
        }

        let settings = configuration.rating
        let policy = settings.policy
        let window: ProviderHealthWindow
        do {
            try policy.validate()
            window = try ProviderHealthWindow(maxAttempts: settings.healthWindowAttempts, maxAgeMicros: settings.healthWindow.micros)
        } catch {
            throw RatingBookError(.invalidSettings, keyPath: "rating", reason: error.reason, ratingError: error)
        }
        guard settings.maxBidRounds >= 1 else {
            throw RatingBookError(.invalidSettings, keyPath: "rating.max_bid_rounds", reason: "must be at least 1")
        }
        return RatingSnapshot(
            customers: customers, providers: providers, policy: policy, maxBidRounds: settings.maxBidRounds,
            healthWindow: window
        )
    }
}

extension RatingSettings {
    /// The LCR policy these settings describe.
    public var policy: LCRPolicy {
        LCRPolicy(
            referenceDurationSeconds: self.referenceDurationSeconds,
            minimumSpreadMicros: self.minimumSpreadMicros,
            toleranceBasisPoints: self.toleranceBasisPoints,
            maxGroupSize: self.maxGroupSize,
            minimumSamples: self.healthMinimumSamples,
            minimumHealthBasisPoints: self.healthMinimumBasisPoints,
            weights: HealthWeights(asr: self.weightASR, acd: self.weightACD, pdd: self.weightPDD, latency: self.weightLatency),
            targetAcdMicros: self.targetAcd.micros,
            pddBudgetMicros: self.pddBudget.micros,
            latencyBudgetMicros: self.latencyBudget.micros
        )
    }
}

extension Duration {
    /// Whole microseconds, saturating (configuration bounds keep real values far from the limits).
    var micros: Int64 {
        let (seconds, attoseconds) = self.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else {
            return seconds < 0 ? Int64.min : Int64.max
        }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000).partialValue
    }
}
