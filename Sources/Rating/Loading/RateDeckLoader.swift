import Foundation
import SwiftCSV

/// Reads a rate deck CSV (comma-separated, UTF-8, header row first) into a validated `RateDeck`.
///
/// All or nothing: the first bad row, a duplicate or overlapping period, or a limit exceeded
/// refuses the whole deck with a `RateDeckError` naming the deck, line and column. A caller that
/// reloads keeps its previous deck when this throws.
public enum RateDeckLoader {
    /// Loads the deck file at `path`; the deck is named by the file's last path component.
    public static func load(path: String, limits: RateDeckLimits = .default) throws(RateDeckError) -> RateDeck {
        let name = (path as NSString).lastPathComponent
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            // One byte past the cap is enough to know the file is too large.
            data = try handle.read(upToCount: limits.maxBytes + 1) ?? Data()
        } catch {
            throw RateDeckError(.unreadable, deck: name, line: 0, reason: "cannot read the file: \(error)")
        }
        guard data.count <= limits.maxBytes else {
            throw RateDeckError(.tooLarge, deck: name, line: 0, reason: "larger than \(limits.maxBytes) bytes")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw RateDeckError(.malformedCSV, deck: name, line: 0, reason: "not UTF-8")
        }
        return try load(csv: text, name: name, limits: limits)
    }

    /// Loads a deck from CSV text, naming it `name` in its version and errors.
    public static func load(csv text: String, name: String, limits: RateDeckLimits = .default) throws(RateDeckError) -> RateDeck {
        guard text.utf8.count <= limits.maxBytes else {
            throw RateDeckError(.tooLarge, deck: name, line: 0, reason: "larger than \(limits.maxBytes) bytes")
        }
        // Counting line feeds is cheap and bounds the work before the CSV is parsed.
        let lineFeeds = text.utf8.reduce(into: 0) { count, byte in
            if byte == 0x0A {
                count += 1
            }
        }
        guard lineFeeds <= limits.maxRows + 1 else {
            throw RateDeckError(.tooManyRows, deck: name, line: 0, reason: "more than \(limits.maxRows) rows")
        }
        // SwiftCSV drops an empty last field when the last line has no line break; one is added.
        var text = text
        if let last = text.utf8.last, last != 0x0A, last != 0x0D {
            text.append("\n")
        }
        let csv: CSV<Enumerated>
        do {
            // rowLimit 0: SwiftCSV parses only the header here; rows are streamed below unpadded.
            csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false, rowLimit: 0)
        } catch {
            throw RateDeckError(.malformedCSV, deck: name, line: 1, reason: "the header row is not valid CSV")
        }
        guard !csv.header.isEmpty, csv.header != [""] else {
            throw RateDeckError(.invalidHeader, deck: name, line: 1, reason: "the header row is missing")
        }
        let positions = try RateDeckHeader.positions(csv.header, deck: name)
        let parser = RateDeckRowParser(deck: name, limits: limits, positions: positions, fieldCount: csv.header.count)
        var collector = RowCollector(parser: parser, maxRows: limits.maxRows)
        do {
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { fields in
                collector.accept(fields)
            }
        } catch {
            throw RateDeckError(
                .malformedCSV, deck: name, line: collector.line + 1,
                reason: "quotes are not balanced or a quoted field is followed by other text"
            )
        }
        if let failure = collector.failure {
            throw failure
        }
        guard !collector.entries.isEmpty else {
            throw RateDeckError(.empty, deck: name, line: 0, reason: "the deck has no rows")
        }
        let sorted = SortedRows(collector.entries)
        try RateDeckConsistency.check(sorted, deck: name)
        return RateDeck(name: name, entries: collector.entries, sorted: sorted)
    }
}

/// Receives SwiftCSV's rows one by one; keeps the first failure and ignores everything after it.
private struct RowCollector {
    var parser: RateDeckRowParser
    let maxRows: Int
    /// The line of the last row seen (the header is line 1).
    private(set) var line = 1
    private(set) var entries: [RateEntry] = []
    private(set) var failure: RateDeckError?

    init(parser: RateDeckRowParser, maxRows: Int) {
        self.parser = parser
        self.maxRows = maxRows
        entries.reserveCapacity(1024)
    }

    mutating func accept(_ fields: [String]) {
        line += 1
        guard failure == nil else {
            return
        }
        if fields.count == 1, fields[0].isEmpty {
            return  // A blank line.
        }
        // SwiftCSV starts a new row at each line break outside quotes; one inside quotes would
        // shift every later line number, so it is refused.
        if fields.contains(where: Self.mayHoldALineBreak) {
            failure = RateDeckError(.malformedCSV, deck: parser.deck, line: line, reason: "a line break inside a quoted field")
            return
        }
        guard entries.count < maxRows else {
            failure = RateDeckError(.tooManyRows, deck: parser.deck, line: line, reason: "more than \(maxRows) rows")
            return
        }
        do {
            entries.append(try parser.parse(fields, line: line))
        } catch {
            failure = error
        }
    }

    /// Line feed to carriage return (0x0A-0x0D), or non-ASCII that might be U+0085, U+2028 or U+2029.
    private static func mayHoldALineBreak(_ field: String) -> Bool {
        field.utf8.contains { ($0 >= 0x0A && $0 <= 0x0D) || $0 >= 0x80 } && field.contains(where: \.isNewline)
    }
}
