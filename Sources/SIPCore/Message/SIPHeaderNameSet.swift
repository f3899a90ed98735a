/// A fixed set of header names that is asked about every line of a message (which lines a B2BUA copies between
/// legs, which it strips): a well-known name is one bit test, a name outside the table a comparison of keys.
/// `Set<SIPHeaderName>` hashed every line's name with SipHash.
public struct SIPHeaderNameSet: Sendable {
    // One bit per `KnownHeader` identity (1...127), in two words.
    private var known: (low: UInt64, high: UInt64) = (0, 0)
    // The lower-case keys of names outside the table.
    private var others: [String] = []

    public init(_ names: [SIPHeaderName]) {
        for name in names {
            if name.id == 0 {
                if !others.contains(name.key) { others.append(name.key) }
            } else if name.id < 64 {
                known.low |= 1 << UInt64(name.id)
            } else {
                known.high |= 1 << UInt64(name.id & 63)
            }
        }
    }

    /// Whether `name` (any spelling, compact or long form) is in the set.
    public func contains(_ name: SIPHeaderName) -> Bool {
        if name.id == 0 { return others.contains(name.key) }
        let word = name.id < 64 ? known.low : known.high
        return word & (1 << UInt64(name.id & 63)) != 0
    }
}
