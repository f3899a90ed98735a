/// Longest-prefix match over a deck's rows at an instant.
///
/// One hash table keyed by (digits, length) and a bit mask of the prefix lengths that exist: a
/// lookup probes at most one key per present length, longest first, so it costs a handful of hash
/// probes whatever the deck size. Each prefix keeps its rows sorted by `effective_from`; the rows
/// of one prefix never overlap (the loader refuses that), so a binary search finds the one in force.
struct PrefixIndex: Sendable {
    private var slots: [PrefixKey: [RateEntry]] = [:]
    private var lengthMask: UInt32 = 0

    /// Builds the index; `entries` must already be free of overlaps per prefix.
    init(entries: [RateEntry]) {
        slots.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = PrefixKey(digits: entry.prefix) else {
                continue
            }
            slots[key, default: []].append(entry)
            lengthMask |= 1 << UInt32(key.length)
        }
        slots = slots.mapValues { rows in rows.sorted { $0.period.fromMicros < $1.period.fromMicros } }
    }

    /// The row of the longest prefix of `digits` in force at `instant`, if any.
    ///
    /// A prefix with rows, none in force at `instant`, does not match: the next shorter one is tried.
    func longestMatch(digits: [UInt8], at instant: Int64) -> RateEntry? {
        var packed: [UInt64] = []
        packed.reserveCapacity(min(digits.count, PrefixKey.maxDigits))
        var value: UInt64 = 0
        for digit in digits.prefix(PrefixKey.maxDigits) {
            value = value * 10 + UInt64(digit)
            packed.append(value)
        }
        var length = packed.count
        while length > 0 {
            if lengthMask & (1 << UInt32(length)) != 0,
                let rows = slots[PrefixKey(value: packed[length - 1], length: UInt8(length))],
                let row = Self.inForce(rows, at: instant)
            {
                return row
            }
            length -= 1
        }
        return nil
    }

    /// Every row of every prefix (for diagnostics and tests).
    var prefixCount: Int { slots.count }

    private static func inForce(_ rows: [RateEntry], at instant: Int64) -> RateEntry? {
        // Last row whose start is at or before `instant`.
        var low = 0
        var high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if rows[mid].period.fromMicros <= instant {
                low = mid + 1
            } else {
                high = mid
            }
        }
        guard low > 0, rows[low - 1].period.contains(instant) else {
            return nil
        }
        return rows[low - 1]
    }
}
