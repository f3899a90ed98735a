import Testing

@testable import Rating

@Suite struct RateDeckVersionTests {
    typealias F = DeckFixtures

    @Test func isStableUnderRowOrderAndSpelling() throws {
        let a = try F.deck([F.row("44", rate: "0.0150"), F.row("33", rate: "0.02", from: "2024-01-01T00:00:00+00:00")])
        let b = try F.deck([F.row("33", rate: "0.020000", from: "2024-01-01T00:00:00.000Z"), F.row("44", rate: "0.015")])
        #expect(a.version == b.version)
        #expect(a.version.hasPrefix("deck.csv#2#"))
        #expect(a.version.count == "deck.csv#2#".count + 16)
    }

    @Test func changesWithAnyValue() throws {
        let base = try F.deck([F.row("44", rate: "0.0150")]).version
        #expect(try F.deck([F.row("44", rate: "0.0151")]).version != base)
        #expect(try F.deck([F.row("44", rate: "0.0150", increments: ("6", "6"))]).version != base)
        #expect(try F.deck([F.row("44", rate: "0.0150", until: "2030-01-01T00:00:00Z")]).version != base)
        #expect(try F.deck([F.row("44", rate: "0.0150")], name: "other.csv").version != base)
    }

    @Test func fnv1aMatchesReferenceVectors() {
        // Published FNV-1a 64 test vectors.
        var empty = FNV1a64()
        empty.append("")
        #expect(empty.hexDigest == "cbf29ce484222325")
        var a = FNV1a64()
        a.append("a")
        #expect(a.hexDigest == "af63dc4c8601ec8c")
        var foobar = FNV1a64()
        foobar.append("foobar")
        #expect(foobar.hexDigest == "85944171f73967e8")
    }
}
