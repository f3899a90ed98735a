/// Splitting of header values that respects quoted strings and `<...>` (commas inside URIs
/// and display names do not separate elements).
enum HeaderValueSplitter {
    static func splitCommaList(_ value: String) -> [String] {
        split(value, on: UInt8(ascii: ","))
    }

    /// Splits on `separator` outside quotes and angle brackets; trims each part and drops empty ones.
    static func split(_ value: String, on separator: UInt8) -> [String] {
        value.withSIPBytes { bytes in bytes.split(bytes.all, on: separator).map { bytes.string($0) } }
    }

    /// The first element of a comma list, without splitting the rest.
    static func firstOfCommaList(_ value: String) -> String? {
        // The whole value when it is one element (the usual Via, From, To): the same text, not a copy of it.
        value.withSIPBytes { bytes in
            bytes.firstPart(bytes.all, on: UInt8(ascii: ",")).map { $0 == bytes.all ? value : bytes.string($0) }
        }
    }
}

extension String {
    /// Whitespace-trimmed copy (SP, HTAB, CR, LF).
    var sipTrimmed: String {
        withSIPBytes { bytes in
            let range = bytes.trimmed(bytes.all)
            return range.count == bytes.base.count ? self : bytes.string(range)
        }
    }
}
