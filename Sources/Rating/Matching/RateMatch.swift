/// A deck row chosen for a destination at an instant, with the deck that holds it.
public struct RateMatch: Hashable, Sendable {
    /// The deck's name (its file name).
    public let deckName: String
    /// The deck's version string (`RateDeckVersion`).
    public let deckVersion: String
    /// The matched row; `entry.prefix` is the prefix matched.
    public let entry: RateEntry

    /// A match.
    public init(deckName: String, deckVersion: String, entry: RateEntry) {
        self.deckName = deckName
        self.deckVersion = deckVersion
        self.entry = entry
    }
}
