/// A validated, immutable rate deck: rows indexed for longest-prefix match at an instant.
///
/// Build one with `RateDeckLoader`; a deck that exists is valid (no bad row, no duplicate, no overlap).
public struct RateDeck: Sendable {
    /// The deck's name (its file name).
    public let name: String
    /// `<name>#<rows>#<fnv1a-64>`, stable for the same content (`RateDeckVersion`).
    public let version: String
    /// Every row, in file order.
    public let entries: [RateEntry]
    private let index: PrefixIndex

    init(name: String, entries: [RateEntry], sorted: SortedRows) {
        self.name = name
        self.entries = entries
        self.version = RateDeckVersion.make(name: name, sorted: sorted)
        self.index = PrefixIndex(sorted)
    }

    /// Number of distinct prefixes.
    public var prefixCount: Int { index.prefixCount }

    /// The row of the longest prefix of `destination` in force at `instant` (UTC µs, the session's setup time).
    ///
    /// `destination` is digits with an optional leading `+`; anything else matches nothing.
    public func match(_ destination: some StringProtocol, at instant: Int64) -> RateMatch? {
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        let utf8 = destination.utf8
        var start = utf8.startIndex
        if utf8.first == UInt8(ascii: "+") {
            start = utf8.index(after: start)
        }
        for byte in utf8[start...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                return nil
            }
            digits.append(byte - UInt8(ascii: "0"))
        }
        guard let entry = index.longestMatch(digits: digits, at: instant) else {
            return nil
        }
        return RateMatch(deckName: name, deckVersion: version, entry: entry)
    }
}
