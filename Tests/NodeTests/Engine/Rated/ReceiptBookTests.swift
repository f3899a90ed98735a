@testable import Node
import Rating
import Records
import Testing

/// The live calls' agreed terms by Receipt GUID.
@Suite struct ReceiptBookTests {
    static func rate() throws -> Money { Money(micros: 12_500, currency: try CurrencyCode("EUR")) }

    @Test func aReceiptFollowsItsCallAndLeavesWithIt() throws {
        let rate = try Self.rate()
        let book = ReceiptBook()
        #expect(book.propose("R-1", sessionID: "s1", providerID: "p1", providerRate: rate))
        #expect(book["R-1"] == ReceiptBook.Terms(sessionID: "s1", providerID: "p1", providerRate: rate, state: .proposed))
        book.decide("R-1", sessionID: "s1", state: .confirmed)
        #expect(book["R-1"]?.state == .confirmed)
        book.end("R-1", sessionID: "s1")
        #expect(book["R-1"] == nil && book.count == 0)
    }

    @Test func aGUIDReusedForAnotherLiveCallStaysWithTheFirst() throws {
        let rate = try Self.rate()
        let book = ReceiptBook()
        book.propose("R-1", sessionID: "s1", providerID: "p1", providerRate: rate)
        #expect(!book.propose("R-1", sessionID: "s2", providerID: "p2", providerRate: nil))
        // The second call can neither decide nor end the first call's receipt.
        book.decide("R-1", sessionID: "s2", state: .mismatch)
        book.end("R-1", sessionID: "s2")
        #expect(book["R-1"] == ReceiptBook.Terms(sessionID: "s1", providerID: "p1", providerRate: rate, state: .proposed))
    }
}
