/// A stable identity for a deck's content: `<name>#<rows>#<fnv1a-64 hex>`.
///
/// The hash is FNV-1a (64 bit) over the canonical rows, sorted by prefix length, prefix and
/// `effective_from`, one line each: `prefix,rate_micros,currency,unit,initial,next,fee_micros,minimum,from_us,until_us\n`
/// (`until_us` empty when open-ended). The same rows in any order, with any spelling of the same
/// decimals and times, give the same version. It identifies a deck; it is not a cryptographic seal.
public enum RateDeckVersion {
    /// The version string of `entries` loaded under `name`.
    public static func make(name: String, entries: [RateEntry]) -> String {
        make(name: name, sorted: SortedRows(entries))
    }

    static func make(name: String, sorted: SortedRows) -> String {
        var hash = FNV1a64()
        for entry in sorted.entries {
            hash.append(canonicalLine(entry))
        }
        return "\(name)#\(sorted.entries.count)#\(hash.hexDigest)"
    }

    static func canonicalLine(_ e: RateEntry) -> String {
        let until = e.period.untilMicros.map(String.init) ?? ""
        return "\(e.prefix),\(e.rate.micros),\(e.rate.currency),\(e.unit.rawValue),\(e.increment.initialSeconds),"
            + "\(e.increment.nextSeconds),\(e.connectionFee.micros),\(e.minimumDurationSeconds),\(e.period.fromMicros),\(until)\n"
    }
}

/// FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func append(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    var hexDigest: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
