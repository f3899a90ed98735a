/// A deck's rows in canonical order — prefix length, prefix digits, `effective_from`, line — which the
/// consistency check, the version hash and the prefix index all walk. Sorting integers once keeps a
/// 100 000-row deck cheap to load.
struct SortedRows {
    /// Rows in canonical order.
    let entries: [RateEntry]
    /// The packed prefix of each row of `entries`.
    let keys: [PrefixKey]

    init(_ unsorted: [RateEntry]) {
        // The loader validated every prefix, so PrefixKey cannot be nil; a row built in code with a
        // bad prefix sorts first under an impossible key and matches nothing.
        let keyed = unsorted.map { (PrefixKey(digits: $0.prefix) ?? PrefixKey(value: 0, length: 0), $0) }
        let sorted = keyed.sorted {
            ($0.0.length, $0.0.value, $0.1.period.fromMicros, $0.1.sourceLine)
                < ($1.0.length, $1.0.value, $1.1.period.fromMicros, $1.1.sourceLine)
        }
        entries = sorted.map(\.1)
        keys = sorted.map(\.0)
    }

    /// Index pairs `(i, i + 1)` of consecutive rows with the same prefix.
    var samePrefixNeighbours: some Sequence<(Int, Int)> {
        zip(keys.indices, keys.indices.dropFirst()).lazy.filter { keys[$0.0] == keys[$0.1] }
    }
}
