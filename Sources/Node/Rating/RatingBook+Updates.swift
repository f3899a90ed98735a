import Rating

extension RatingBook {
    /// Validates `update` (the deck parses whole, every row is in the update's unit, the trunk exists) and puts it
    /// in force atomically; on any failure the deck in force stays and the error says why. Sessions already planned
    /// keep their prices. Returns the new deck's version.
    @discardableResult
    public func apply(_ update: RateDeckUpdate) throws(RatingBookError) -> String {
        let keyPath = "ratesync.\(update.trunk.rawValue).\(update.id)"
        guard let unit = update.priceUnit else {
            throw RatingBookError(.invalidDeck, keyPath: keyPath, reason: "unit must be \"per-min\" or \"per-msg\"")
        }
        let deck: RateDeck
        do {
            deck = try RateDeckLoader.load(csv: update.csv, name: update.name)
        } catch {
            throw RatingBookError.deck(error, path: update.name, keyPath: keyPath)
        }
        if let row = deck.entries.first(where: { $0.unit != unit }) {
            throw RatingBookError(
                .invalidDeck, keyPath: keyPath,
                reason: "\(update.name):\(row.sourceLine): a \(row.unit.rawValue) row in a \(unit.rawValue) update"
            )
        }
        install(try snapshot.replacing(deck, unit: unit, trunk: update.trunk, id: update.id, keyPath: keyPath))
        return deck.version
    }
}

extension RatingSnapshot {
    /// This snapshot with one trunk's deck for `unit` replaced.
    func replacing(
        _ deck: RateDeck, unit: PriceUnit, trunk: RateDeckUpdate.Trunk, id: String, keyPath: String
    ) throws(RatingBookError) -> RatingSnapshot {
        func replaced(_ trunk: Trunk) -> Trunk {
            var copy = trunk
            switch unit {
            case .perMinute: copy.perMinute = deck
            case .perMessage: copy.perMessage = deck
            }
            return copy
        }
        var customers = self.customers
        var providers = self.providers
        switch trunk {
        case .customer:
            guard let existing = customers[id] else {
                throw RatingBookError(.unknownProvider, keyPath: keyPath, reason: "no customer \"\(id.prefix(64))\" in the configuration")
            }
            customers[id] = replaced(existing)
        case .provider:
            guard let index = providers.firstIndex(where: { $0.id == id }) else {
                throw RatingBookError(.unknownProvider, keyPath: keyPath, reason: "no provider \"\(id.prefix(64))\" in the configuration")
            }
            providers[index] = replaced(providers[index])
        }
        return RatingSnapshot(customers: customers, providers: providers, policy: policy, maxBidRounds: maxBidRounds, healthWindow: healthWindow)
    }
}
