import Foundation
public import Rating

/// One rate deck update on the `ratesync` stream (docs/streams.md, "Rate sync"): a whole deck for one trunk and
/// price unit, as CSV text. JSON: `{"format":"sipswarm-rate-deck-1","trunk":"provider","id":"p1","unit":"per-min",
/// "name":"p1-2026-12.csv","csv":"prefix,rate,…\n44,0.0100,…\n"}`.
public struct RateDeckUpdate: Sendable, Hashable, Codable {
    /// The value of `format`.
    public static let format = "sipswarm-rate-deck-1"
    /// A message larger than this is refused before it is parsed (a deck file may be at most 64 MiB; updates on a
    /// stream are kept far smaller).
    public static let maxBytes = 16 << 20

    /// Whose price list this is.
    public enum Trunk: String, Sendable, Hashable, Codable {
        case customer
        case provider
    }

    public let format: String
    public let trunk: Trunk
    /// The `[[customers]]` or `[[providers]]` id.
    public let id: String
    /// `per-min` (calls) or `per-msg` (MESSAGE): which of the trunk's two decks it replaces.
    public let unit: String
    /// The deck's name in errors, logs and CDRs (like a file name).
    public let name: String
    /// The deck, in the CSV format of docs/rating.md.
    public let csv: String

    public init(trunk: Trunk, id: String, unit: PriceUnit, name: String, csv: String) {
        self.format = Self.format
        self.trunk = trunk
        self.id = id
        self.unit = unit.rawValue
        self.name = name
        self.csv = csv
    }

    /// Parses a stream message; a typed error names what is wrong.
    public static func decode(_ body: [UInt8]) throws(RatingBookError) -> RateDeckUpdate {
        guard body.count <= maxBytes else {
            throw RatingBookError(.invalidDeck, keyPath: "ratesync", reason: "update of \(body.count) bytes is larger than \(maxBytes)")
        }
        let update: RateDeckUpdate
        do {
            update = try JSONDecoder().decode(RateDeckUpdate.self, from: Data(body))
        } catch {
            throw RatingBookError(.invalidDeck, keyPath: "ratesync", reason: "not a rate deck update: \(error.localizedDescription)")
        }
        guard update.format == format else {
            throw RatingBookError(.invalidDeck, keyPath: "ratesync", reason: "unknown format \"\(update.format.prefix(64))\"")
        }
        guard update.priceUnit != nil else {
            throw RatingBookError(.invalidDeck, keyPath: "ratesync", reason: "unit must be \"per-min\" or \"per-msg\"")
        }
        return update
    }

    /// `unit` as a price unit; nil when it is neither.
    public var priceUnit: PriceUnit? { PriceUnit(rawValue: unit) }

    /// The message body.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map(Array.init) ?? []
    }
}
