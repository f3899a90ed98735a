/// Splitting of header values that respects quoted strings and `<...>` (commas inside URIs
/// and display names do not separate elements).
enum HeaderValueSplitter {
    static func splitCommaList(_ value: String) -> [String] {
        split(value, on: UInt8(ascii: ","))
    }

    /// Splits on `separator` outside quotes and angle brackets; trims each part.
    static func split(_ value: String, on separator: UInt8) -> [String] {
        var parts: [String] = []
        let bytes = Array(value.utf8)
        var start = 0
        var inQuotes = false
        var inAngle = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == separator && !inAngle {
                parts.append(trimmed(bytes[start..<index]))
                start = index + 1
            }
            index += 1
        }
        parts.append(trimmed(bytes[start..<min(bytes.count, max(start, bytes.count))]))
        return parts.filter { !$0.isEmpty }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}

extension String {
    /// Whitespace-trimmed copy (SP, HTAB, CR, LF).
    var sipTrimmed: String { HeaderValueSplitter.trimmed(Array(utf8)[...]) }
}
