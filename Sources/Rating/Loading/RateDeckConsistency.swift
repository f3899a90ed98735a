/// Deck-wide checks after every row parsed: no two rows of one prefix share `effective_from`, and no
/// two are in force at the same instant.
///
/// Of all conflicts the one reported is the one whose later row comes first in the file, so the
/// error does not depend on hash order.
enum RateDeckConsistency {
    static func check(_ entries: [RateEntry], deck: String) throws(RateDeckError) {
        var groups: [PrefixKey: [Int]] = [:]
        groups.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard let key = PrefixKey(digits: entry.prefix) else {
                continue
            }
            groups[key, default: []].append(index)
        }
        var first: RateDeckError?
        for indices in groups.values where indices.count > 1 {
            let sorted = indices.sorted {
                (entries[$0].period.fromMicros, entries[$0].sourceLine) < (entries[$1].period.fromMicros, entries[$1].sourceLine)
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                let earlier = entries[a]
                let later = entries[b]
                guard let conflict = conflict(earlier, later, deck: deck) else {
                    continue
                }
                if first.map({ conflict.line < $0.line }) ?? true {
                    first = conflict
                }
                break
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
