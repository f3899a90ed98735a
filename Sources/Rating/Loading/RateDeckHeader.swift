/// Maps a header row to column positions: every documented column exactly once, nothing else.
enum RateDeckHeader {
    static func positions(_ header: [String], deck: String) throws(RateDeckError) -> [RateDeckColumn: Int] {
        var positions: [RateDeckColumn: Int] = [:]
        for (index, rawName) in header.enumerated() {
            let name = rawName.trimmingTrailingBlanks
            guard let column = RateDeckColumn(rawValue: name) else {
                throw RateDeckError(
                    .invalidHeader, deck: deck, line: 1, column: String(name.prefix(40)),
                    reason: "unknown column; expected \(RateDeckColumn.canonicalHeader)"
                )
            }
            guard positions[column] == nil else {
                throw RateDeckError(.invalidHeader, deck: deck, line: 1, column: name, reason: "column named twice")
            }
            positions[column] = index
        }
        for column in RateDeckColumn.allCases where positions[column] == nil {
            throw RateDeckError(.invalidHeader, deck: deck, line: 1, column: column.rawValue, reason: "column missing")
        }
        return positions
    }
}

extension String {
    var trimmingTrailingBlanks: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" {
            text = text.dropLast()
        }
        return String(text)
    }
}
