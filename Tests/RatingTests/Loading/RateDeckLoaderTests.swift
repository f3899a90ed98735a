import Foundation
import Testing

@testable import Rating

@Suite struct RateDeckLoaderTests {
    typealias F = DeckFixtures

    @Test func loadsAWellFormedDeck() throws {
        let deck = try F.deck([
            F.row("44", rate: "0.0150", increments: ("6", "6")),
            F.row("4420", rate: "0.0123", increments: ("30", "6"), fee: "0.05", minimum: "10", until: "2024-07-01T00:00:00Z"),
            F.row("44", rate: "0.0040", unit: "per-msg", increments: ("", ""), minimum: "", from: "2023-01-01T00:00:00Z", until: "2024-01-01T00:00:00Z"),
        ])
        #expect(deck.entries.count == 3)
        #expect(deck.prefixCount == 2)
        let london = deck.entries[1]
        #expect(london.prefix == "4420")
        #expect(london.rate.micros == 12_300)
        #expect(london.rate.currency.code == "EUR")
        #expect(london.unit == .perMinute)
        #expect(london.increment == (try BillingIncrement(initialSeconds: 30, nextSeconds: 6)))
        #expect(london.connectionFee.micros == 50_000)
        #expect(london.minimumDurationSeconds == 10)
        #expect(london.period.fromMicros == 1_704_067_200_000_000)
        #expect(london.period.untilMicros == 1_719_792_000_000_000)
        #expect(london.sourceLine == 3)
        // Message rows may leave the call-time columns empty: 1/1, minimum 0.
        #expect(deck.entries[2].increment == (try BillingIncrement(initialSeconds: 1, nextSeconds: 1)))
        #expect(deck.entries[2].minimumDurationSeconds == 0)
    }

    @Test func acceptsColumnsInAnyOrderQuotesCRLFBlankLinesAndABOM() throws {
        let text = "\u{FEFF}effective_until,effective_from,minimum_duration_s,connection_fee,next_increment_s,"
            + "initial_increment_s,price_unit,currency,rate,prefix\r\n"
            + ",2024-01-01T00:00:00Z,0,0,6,6,per-min,EUR,\"0.0150\",\"44\"\r\n"
            + "\r\n"
            + ",2024-01-01t00:00:00.5z,0,0 ,1,1,per-min,EUR,0.02  ,33\r\n"
        let deck = try RateDeckLoader.load(csv: text, name: "any-order.csv")
        #expect(deck.entries.map(\.prefix) == ["44", "33"])
        #expect(deck.entries.map(\.sourceLine) == [2, 4])
        #expect(deck.entries[1].rate.micros == 20_000)
        #expect(deck.entries[1].period.fromMicros == 1_704_067_200_500_000)
    }

    @Test func loadsFromAFileNamedByItsLastPathComponent() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rating-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("c1.csv")
        try ([F.header, F.row("44")].joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let deck = try RateDeckLoader.load(path: url.path)
        #expect(deck.name == "c1.csv")
        #expect(deck.version.hasPrefix("c1.csv#1#"))

        try Data([0xFF, 0xFE, 0x00]).write(to: url)
        expectError(.malformedCSV, line: 0) { try RateDeckLoader.load(path: url.path) }
        expectError(.unreadable, line: 0) { try RateDeckLoader.load(path: directory.appendingPathComponent("missing.csv").path) }
        try String(repeating: "x", count: 2_000).write(to: url, atomically: true, encoding: .utf8)
        var limits = RateDeckLimits.default
        limits.maxBytes = 1_000
        expectError(.tooLarge, line: 0) { try RateDeckLoader.load(path: url.path, limits: limits) }
    }

    // Every bad value is refused with its code, the line (header = 1) and the column's header name.
    static let badRows: [(String, RateDeckError.Code, String?)] = [
        (F.row("44a"), .invalidPrefix, "prefix"),
        (F.row("+44"), .invalidPrefix, "prefix"),
        (F.row("1234567890123456789"), .invalidPrefix, "prefix"),
        (F.row(""), .missingValue, "prefix"),
        (F.row("44", rate: ""), .missingValue, "rate"),
        (F.row("44", rate: "0.01.0"), .invalidAmount, "rate"),
        (F.row("44", rate: "0.0000001"), .invalidAmount, "rate"),
        (F.row("44", rate: "1e-2"), .invalidAmount, "rate"),
        (F.row("44", rate: "-0.01"), .negativeAmount, "rate"),
        (F.row("44", rate: "1000000.000001"), .invalidAmount, "rate"),
        (F.row("44", currency: "eur"), .invalidCurrency, "currency"),
        (F.row("44", unit: "per-sec"), .invalidPriceUnit, "price_unit"),
        (F.row("44", increments: ("0", "6")), .invalidIncrement, "initial_increment_s"),
        (F.row("44", increments: ("30", "0")), .invalidIncrement, "next_increment_s"),
        (F.row("44", increments: ("30", "-6")), .invalidIncrement, "next_increment_s"),
        (F.row("44", increments: ("", "6")), .missingValue, "initial_increment_s"),
        (F.row("44", increments: ("86401", "1")), .invalidIncrement, "initial_increment_s"),
        (F.row("44", fee: "-0.5"), .negativeAmount, "connection_fee"),
        (F.row("44", minimum: "x"), .invalidDuration, "minimum_duration_s"),
        (F.row("44", from: "2024-13-01T00:00:00Z"), .invalidTimestamp, "effective_from"),
        (F.row("44", from: "2024-02-30T00:00:00Z"), .invalidTimestamp, "effective_from"),
        (F.row("44", from: "2024-01-01T00:00:00+01:00"), .invalidTimestamp, "effective_from"),
        (F.row("44", from: "2024-01-01 00:00:00Z"), .invalidTimestamp, "effective_from"),
        (F.row("44", from: ""), .missingValue, "effective_from"),
        (F.row("44", until: "2023-12-31T23:59:59Z"), .invalidTimestamp, "effective_until"),
        (F.row("44", until: "2024-01-01T00:00:00Z"), .invalidTimestamp, "effective_until"),
        ("44,0.01,EUR,per-min,60,60,0,0,2024-01-01T00:00:00Z", .wrongFieldCount, nil),
        (F.row("44") + ",extra", .wrongFieldCount, nil),
    ]

    @Test(arguments: badRows)
    func refusesABadRowNamingItsLineAndColumn(row: String, code: RateDeckError.Code, column: String?) {
        // The bad row is the third data row, after a blank line: line 5.
        guard let error = F.error([F.row("1"), F.row("2"), "", row, F.row("3")]) else {
            Issue.record("accepted \(row)")
            return
        }
        #expect(error.code == code)
        #expect(error.deck == "bad.csv")
        #expect(error.line == 5)
        #expect(error.column == column)
    }

    @Test func refusesDuplicatePrefixAndStartAtTheLaterLine() {
        let error = F.error([F.row("44"), F.row("33"), F.row("44", rate: "0.02")])
        #expect(error?.code == .duplicateRow)
        #expect(error?.line == 4)
        #expect(error?.column == "effective_from")
    }

    @Test func refusesOverlappingPeriodsOfOnePrefix() {
        // Line 2 is open-ended from January; line 3 starts in June: both in force in June.
        let openEnded = F.error([F.row("44"), F.row("44", from: "2024-06-01T00:00:00Z")])
        #expect(openEnded?.code == .overlappingPeriod)
        #expect(openEnded?.line == 3)
        // Line 3 ends after line 2 starts, although it is written first in time order.
        let bounded = F.error([
            F.row("44", from: "2024-03-01T00:00:00Z", until: "2024-06-01T00:00:00Z"),
            F.row("44", from: "2024-01-01T00:00:00Z", until: "2024-03-01T00:00:01Z"),
        ])
        #expect(bounded?.code == .overlappingPeriod)
        #expect(bounded?.line == 3)
        // The first conflict in file order is reported, whatever the hash order of prefixes.
        let several = F.error([F.row("1"), F.row("2"), F.row("2"), F.row("1"), F.row("3"), F.row("3")])
        #expect(several?.line == 4)
    }

    @Test func acceptsAdjacentPeriods() throws {
        let deck = try F.deck([
            F.row("44", rate: "0.01", until: "2024-06-01T00:00:00Z"),
            F.row("44", rate: "0.02", from: "2024-06-01T00:00:00Z"),
        ])
        #expect(deck.entries.count == 2)
    }

    @Test func refusesBadHeaders() {
        let unknown = F.error([F.row("44")], header: F.header + ",comment")
        #expect(unknown?.code == .invalidHeader)
        #expect(unknown?.line == 1)
        #expect(unknown?.column == "comment")
        let missing = F.error(["44"], header: "prefix")
        #expect(missing?.code == .invalidHeader)
        #expect(missing?.column == "rate")
        let twice = F.error([F.row("44")], header: "prefix,prefix")
        #expect(twice?.code == .invalidHeader)
        #expect(twice?.column == "prefix")
        expectError(.invalidHeader, line: 1) { try RateDeckLoader.load(csv: "", name: "empty.csv") }
    }

    @Test func refusesAnEmptyDeck() {
        #expect(F.error([])?.code == .empty)
        #expect(F.error(["", ""])?.code == .empty)
    }

    @Test func refusesMalformedCSV() {
        let unbalanced = F.error([F.row("44"), "\"44\"x,0.01,EUR,per-min,60,60,0,0,2024-01-01T00:00:00Z,"])
        #expect(unbalanced?.code == .malformedCSV)
        let lineBreak = F.error([F.row("44"), "\"4\n4\",0.01,EUR,per-min,60,60,0,0,2024-01-01T00:00:00Z,"])
        #expect(lineBreak?.code == .malformedCSV)
        #expect(lineBreak?.line == 3)
    }

    @Test func capsSizeAndRows() {
        var limits = RateDeckLimits.default
        limits.maxRows = 2
        let text = ([F.header] + (1...3).map { F.row("\($0)") }).joined(separator: "\n")
        expectError(.tooManyRows, line: 0) { try RateDeckLoader.load(csv: text + "\n", name: "rows.csv", limits: limits) }
        // Without line feeds (bare CR) the count is caught while parsing, at the offending row.
        let crOnly = ([F.header] + (1...3).map { F.row("\($0)") }).joined(separator: "\r")
        expectError(.tooManyRows, line: 4) { try RateDeckLoader.load(csv: crOnly, name: "rows.csv", limits: limits) }
        limits = .default
        limits.maxBytes = 100
        expectError(.tooLarge, line: 0) { try RateDeckLoader.load(csv: text, name: "big.csv", limits: limits) }
        limits = .default
        limits.maxPrefixDigits = 3
        expectError(.invalidPrefix, line: 2) { try RateDeckLoader.load(csv: F.header + "\n" + F.row("4420"), name: "p.csv", limits: limits) }
    }

    @Test func errorDescriptionNamesDeckLineAndColumn() {
        let error = F.error([F.row("44", rate: "-1")])
        #expect(error?.description.contains("bad.csv:2 column rate:") == true)
    }

    private func expectError(
        _ code: RateDeckError.Code, line: Int, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> RateDeck
    ) {
        do {
            _ = try body()
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch let error as RateDeckError {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.line == line, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }
}
