/// Deck-wide checks after every row parsed: no two rows of one prefix share `effective_from`, and no
/// two are in force at the same instant.
///
/// Rows of one prefix are sorted by `effective_from`, so checking each with the next finds every
/// conflict. Of all conflicts the one reported is the one whose later row comes first in the file.
enum RateDeckConsistency {
    static func check(_ rows: SortedRows, deck: String) throws(RateDeckError) {
        var first: RateDeckError?
        for (a, b) in rows.samePrefixNeighbours {
            guard let conflict = conflict(rows.entries[a], rows.entries[b], deck: deck) else {
                continue
            }
            if first.map({ conflict.line < $0.line }) ?? true {
                first = conflict
            }
        }
        if let first {
            throw first
        }
    }

    private static func conflict(_ a: RateEntry, _ b: RateEntry, deck: String) -> RateDeckError? {
        let line = max(a.sourceLine, b.sourceLine)
        let other = min(a.sourceLine, b.sourceLine)
        if a.period.fromMicros == b.period.fromMicros {
            return RateDeckError(
                .duplicateRow, deck: deck, line: line, column: RateDeckColumn.effectiveFrom.rawValue,
                reason: "same prefix and effective_from as line \(other)"
            )
        }
        if a.period.overlaps(b.period) {
            return RateDeckError(
                .overlappingPeriod, deck: deck, line: line, column: RateDeckColumn.effectiveFrom.rawValue,
                reason: "in force at the same time as line \(other) for the same prefix"
            )
        }
        return nil
    }
}
