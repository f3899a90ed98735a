/// A validated, immutable rate deck: rows indexed for longest-prefix match at an instant.
///
/// Build one with `RateDeckLoader`; a deck that exists is valid (no bad row, no duplicate, no overlap).
///
/// A class because it is immutable and shared: the node's trunks hold their decks, and every call reads each
/// provider's trunk. As a struct, each such read copied the deck's five references (name, version, rows, and the
/// index's two).
public final class RateDeck: Sendable {
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
        match(String(destination), at: instant)
    }

    /// `match` of a `String` (what the node passes): not generic, so a caller in another module runs it without
    /// the runtime's generic metadata lookups (a locked tuple-metadata cache showed in the node's profile).
    public func match(_ destination: String, at instant: Int64) -> RateMatch? {
        var text = destination
        return text.withUTF8 { match(utf8: $0, at: instant) }
    }

    private func match(utf8: UnsafeBufferPointer<UInt8>, at instant: Int64) -> RateMatch? {
        // The first `PrefixKey.maxDigits` digits packed in one number as they are read (no array per match: the
        // engine matches the customer's and every provider's deck per call); the rest only checked to be digits.
        var value: UInt64 = 0
        var length = 0
        let digits = utf8.first == UInt8(ascii: "+") ? UnsafeBufferPointer(rebasing: utf8.dropFirst()) : utf8
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                return nil
            }
            if length < PrefixKey.maxDigits {
                value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                length += 1
            }
        }
        guard let entry = index.longestMatch(value: value, length: length, at: instant) else {
            return nil
        }
        return RateMatch(deckName: name, deckVersion: version, entry: entry)
    }
}
