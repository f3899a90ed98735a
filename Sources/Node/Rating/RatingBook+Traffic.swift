public import Rating

// What the engine reports while sessions run: legs starting and ending, attempt outcomes.
extension RatingBook {
    /// Takes one call of `providerID`'s capacity at `timeMicros` (a session slot and a calls-per-second
    /// token) before a leg to it starts; false when it has none left (skip that provider).
    ///
    /// A provider without `max_concurrent` and `calls_per_second`, or one no longer configured, always
    /// admits. Every `true` must be matched by one `release` when the leg ends, answered or not.
    public func admit(providerID: String, at timeMicros: Int64) -> Bool {
        guard let slot = self.slotsByID[providerID], var capacity = self.capacities[slot] else {
            return true
        }
        let verdict = capacity.admit(at: timeMicros)
        self.capacities[slot] = capacity
        switch verdict {
        case .available: return true
        case .concurrencyExhausted, .rateExhausted: return false
        }
    }

    /// Gives back the session slot an earlier `admit` took (the leg failed, was cancelled or hung up).
    public func release(providerID: String) {
        guard let slot = self.slotsByID[providerID] else { return }
        self.capacities[slot]?.release()
    }

    /// Adds one finished attempt to `providerID`'s health window (answered or not, with PDD, duration
    /// and latency as measured); ignored for a provider no longer configured.
    public func record(providerID: String, sample: AttemptSample) {
        guard let slot = self.slotsByID[providerID] else { return }
        self.health[slot].record(sample)
    }

    /// `providerID`'s health over its window at `timeMicros`, as LCR sees it.
    public func health(of providerID: String, at timeMicros: Int64) -> ProviderHealth {
        guard let slot = self.slotsByID[providerID] else { return .unmeasured }
        return self.health[slot].snapshot(at: timeMicros)
    }

    /// Sessions `providerID` holds now (0 without a limit).
    public func activeSessions(of providerID: String) -> Int {
        guard let slot = self.slotsByID[providerID] else { return 0 }
        return self.capacities[slot]?.active ?? 0
    }
}
