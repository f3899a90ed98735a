import Rating

extension RatingBook {
    /// Loads the decks of `configuration` and swaps them in only when all of them load; on failure
    /// the decks in force stay and the error is thrown.
    ///
    /// This reads files on the calling thread; for large decks load a `RatingSnapshot` elsewhere and
    /// hand it to `install`. Sessions already planned keep their `RatedRoute` (and its prices).
    public func reload(from configuration: NodeConfiguration, at timeMicros: Int64) throws(RatingBookError) {
        self.install(try RatingSnapshot.load(configuration, at: timeMicros))
    }

    /// Puts `snapshot` in force. Health windows and capacity counters of providers that stay, with the
    /// same window and limits, carry over; changed ones start afresh (a changed limit starts with no
    /// session counted); removed providers are forgotten.
    public func install(_ snapshot: RatingSnapshot) {
        let sameWindow = snapshot.healthWindow.maxAttempts == self.snapshot.healthWindow.maxAttempts
            && snapshot.healthWindow.maxAgeMicros == self.snapshot.healthWindow.maxAgeMicros
        let oldLimits = Dictionary(self.snapshot.providers.map { ($0.id, $0.limits) }) { first, _ in first }
        var slotsByID: [String: Int] = [:]
        var slots: [Int] = []
        var capacities: [ProviderCapacity?] = []
        var health: [ProviderHealthWindow] = []
        for (position, provider) in snapshot.providers.enumerated() {
            let slot = slotsByID[provider.id] ?? position
            slotsByID[provider.id] = slot
            slots.append(slot)
            capacities.append(nil)
            health.append(snapshot.healthWindow)
            // A repeated id writes its slot again: the last one's limits win, as they did keyed by id.
            let old = self.slotsByID[provider.id]
            let keepCapacity = oldLimits[provider.id] == provider.limits
            capacities[slot] = keepCapacity ? old.flatMap { self.capacities[$0] } ?? provider.capacity : provider.capacity
            health[slot] = sameWindow ? old.map { self.health[$0] } ?? snapshot.healthWindow : snapshot.healthWindow
        }
        self.snapshot = snapshot
        self.slots = slots
        self.slotsByID = slotsByID
        self.capacities = capacities
        self.health = health
    }
}
