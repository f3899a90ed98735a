/// Longest-prefix match over a deck's rows at an instant.
///
/// One hash table keyed by (digits, length) and a bit mask of the prefix lengths that exist: a
/// lookup probes at most one key per present length, longest first, so it costs a handful of hash
/// probes whatever the deck size. Each key names a run of rows in canonical order (sorted by
/// `effective_from`); the rows of one prefix never overlap (the loader refuses that), so a binary
/// search finds the one in force.
struct PrefixIndex: Sendable {
    private let rows: [RateEntry]
    private var runs: [PrefixKey: Range<Int>] = [:]
    private var lengthMask: UInt32 = 0

    init(_ sorted: SortedRows) {
        rows = sorted.entries
        runs.reserveCapacity(sorted.keys.count)
        var start = 0
        for index in sorted.keys.indices {
            let key = sorted.keys[index]
            let isLastOfRun = index + 1 == sorted.keys.count || sorted.keys[index + 1] != key
            guard isLastOfRun else {
                continue
            }
            if key.length > 0 {
                runs[key] = start..<(index + 1)
                lengthMask |= 1 << UInt32(key.length)
            }
            start = index + 1
        }
    }

    /// Number of distinct prefixes.
    var prefixCount: Int { runs.count }

    /// The row of the longest prefix in force at `instant` of the `length` digits packed in `value` (as
    /// `PrefixKey` packs them: each digit appended as `value × 10 + digit`), if any.
    ///
    /// A prefix with rows, none in force at `instant`, does not match: the next shorter one is tried. The prefix
    /// one digit shorter is `value / 10`, so no array of prefixes is built.
    func longestMatch(value: UInt64, length: Int, at instant: Int64) -> RateEntry? {
        var prefix = value
        var length = Swift.min(length, PrefixKey.maxDigits)
        while length > 0 {
            if lengthMask & (1 << UInt32(length)) != 0,
                let run = runs[PrefixKey(value: prefix, length: UInt8(length))],
                let row = inForce(run, at: instant)
            {
                return row
            }
            prefix /= 10
            length -= 1
        }
        return nil
    }

    private func inForce(_ run: Range<Int>, at instant: Int64) -> RateEntry? {
        // Last row of the run whose start is at or before `instant`.
        var low = run.lowerBound
        var high = run.upperBound
        while low < high {
            let mid = (low + high) / 2
            if rows[mid].period.fromMicros <= instant {
                low = mid + 1
            } else {
                high = mid
            }
        }
        guard low > run.lowerBound, rows[low - 1].period.contains(instant) else {
            return nil
        }
        return rows[low - 1]
    }
}
