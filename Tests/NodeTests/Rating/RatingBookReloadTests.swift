import Foundation
import Node
import Rating
import Testing
import TestScratch

@Suite struct RatingBookReloadTests {
    private let now = RatingFixtures.june2024
    private static let header =
        "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until\n"

    // A folder with a copy of p2's deck that the test rewrites.
    private func scratch() throws -> URL {
        ScratchDirectory.makeURL("ratingbook")
    }

    private func write(_ row: String, to url: URL) throws {
        try (Self.header + row + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    // A book whose p2 deck is a scratch file holding `row`; the caller removes the folder.
    private func book(p2Row row: String) throws -> (RatingBook, folder: URL, p2: URL) {
        let folder = try scratch()
        let p2 = folder.appendingPathComponent("p2.csv")
        try write(row, to: p2)
        return (try RatingFixtures.book(configuration(p2Deck: p2)), folder, p2)
    }

    private func configuration(p2Deck: URL) -> NodeConfiguration {
        var configuration = RatingFixtures.loopback()
        configuration.providers[1].rateDeck = p2Deck.path
        return configuration
    }

    @Test func reloadSwapsDecksAndKeepsHealth() throws {
        let (book, folder, p2) = try self.book(p2Row: "44,0.0120,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,")
        defer { try? FileManager.default.removeItem(at: folder) }
        book.record(providerID: "p1", sample: AttemptSample(timeMicros: now, answered: true, durationMicros: 1_000_000))
        let before = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(before.groupIDs == [["p1"], ["p2"]])

        // p2 becomes cheaper than p1.
        try write("44,0.0090,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,", to: p2)
        try book.reload(from: configuration(p2Deck: p2), at: now)
        let after = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(after.groupIDs == [["p2"], ["p1"]])
        #expect(book.health(of: "p1", at: now).attempts == 1)
        // A route planned before the reload keeps its prices.
        let price = try before.price(providerID: "p2", agreedProviderRate: nil, usage: .voice(durationSeconds: 60))
        #expect(price.provider.amount.decimalString == "0.012000")
    }

    @Test func failedReloadKeepsTheDecksInForce() throws {
        let (book, folder, p2) = try self.book(p2Row: "44,0.0120,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,")
        defer { try? FileManager.default.removeItem(at: folder) }

        try write("44,-0.0090,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,", to: p2)
        do {
            try book.reload(from: configuration(p2Deck: p2), at: now)
            Issue.record("expected the reload to fail")
        } catch {
            #expect(error.code == .invalidDeck)
            #expect(error.keyPath == "providers[1].rate_deck")
            #expect(error.deckError?.code == .negativeAmount)
            #expect(error.reason.hasPrefix("\(p2.path):2 column rate: "))
            #expect(!error.description.contains("\n"))
        }
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p1"], ["p2"]])
        #expect(route.provider("p2")?.deckRate == (try RatingFixtures.money("0.0120")))
    }

    @Test func missingDeckRefusesTheBook() {
        var configuration = RatingFixtures.loopback()
        configuration.customers[0].rateDeck = "/nonexistent/c1.csv"
        do {
            _ = try RatingFixtures.book(configuration)
            Issue.record("expected an error")
        } catch let error as RatingBookError {
            #expect(error.code == .invalidDeck)
            #expect(error.keyPath == "customers[0].rate_deck")
            #expect(error.deckError?.code == .unreadable)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func changedLimitsStartAfreshAndUnchangedOnesCarryOver() throws {
        let book = try RatingFixtures.book(RatingFixtures.loopback(p1MaxConcurrent: 1))
        #expect(book.admit(providerID: "p1", at: now))
        try book.reload(from: RatingFixtures.loopback(p1MaxConcurrent: 1), at: now)
        #expect(book.activeSessions(of: "p1") == 1)
        try book.reload(from: RatingFixtures.loopback(p1MaxConcurrent: 2), at: now)
        #expect(book.activeSessions(of: "p1") == 0)
    }

    @Test func snapshotLoadedElsewhereIsInstalled() throws {
        let snapshot = try RatingSnapshot.load(RatingFixtures.parallel())
        let book = RatingBook(snapshot: try RatingSnapshot.load(RatingFixtures.loopback()))
        book.install(snapshot)
        let route = try #require(book.plan(customerID: "c1", destination: "4420", at: now, service: .voice).route)
        #expect(route.groupIDs == [["p1", "p2"]])
        #expect(snapshot.deckVersions.count == 6)
    }
}
