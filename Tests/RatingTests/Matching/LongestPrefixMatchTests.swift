import Testing

@testable import Rating

@Suite struct LongestPrefixMatchTests {
    typealias F = DeckFixtures

    static let deck: RateDeck? = try? F.deck([
        F.row("4", rate: "0.0500"),
        F.row("44", rate: "0.0150"),
        F.row("442", rate: "0.0140"),
        F.row("4420", rate: "0.0100", until: "2024-06-01T00:00:00Z"),
        F.row("4420", rate: "0.0090", from: "2024-06-01T00:00:00Z", until: "2024-07-01T00:00:00Z"),
        // A gap in July, then from August.
        F.row("4420", rate: "0.0080", from: "2024-08-01T00:00:00Z"),
        F.row("044", rate: "0.9999"),
        F.row("33", rate: "0.0200", from: "2025-01-01T00:00:00Z"),
    ])

    static let march: Int64 = 1_709_251_200_000_000  // 2024-03-01T00:00:00Z
    static let june: Int64 = 1_717_200_000_000_000  // 2024-06-01T00:00:00Z
    static let july: Int64 = 1_719_792_000_000_000  // 2024-07-01T00:00:00Z
    static let august: Int64 = 1_722_470_400_000_000  // 2024-08-01T00:00:00Z

    static let cases: [(String, Int64, String?, Int64?)] = [
        ("442012345678", march, "4420", 10_000),
        ("+442012345678", march, "4420", 10_000),
        ("4421", march, "442", 14_000),
        ("4430", march, "44", 15_000),
        ("49", march, "4", 50_000),
        ("4420", june, "4420", 9_000),  // the June row starts exactly at its from
        ("4420", june - 1, "4420", 10_000),  // the first row still in force 1 µs before June
        ("4420", july, "442", 14_000),  // in the gap the next shorter prefix matches
        ("4420999", august, "4420", 8_000),
        ("04412", march, "044", 999_900),  // 044 and 44 are different prefixes
        ("33", march, nil, nil),  // not in force yet
        ("1", march, nil, nil),
        ("", march, nil, nil),
        ("+", march, nil, nil),
        ("44a20", march, nil, nil),
        ("sip:4420", march, nil, nil),
    ]

    @Test(arguments: cases)
    func matchesTheLongestPrefixInForce(destination: String, at: Int64, prefix: String?, rate: Int64?) throws {
        let deck = try #require(Self.deck)
        let match = deck.match(destination, at: at)
        #expect(match?.entry.prefix == prefix)
        #expect(match?.entry.rate.micros == rate)
        if let match {
            #expect(match.deckVersion == deck.version)
            #expect(match.deckName == "deck.csv")
        }
    }

    @Test func matchesLongDestinationsAndLongPrefixes() throws {
        let deck = try F.deck([F.row("123456789012345678", rate: "1"), F.row("1", rate: "2")])
        #expect(deck.match("1234567890123456789999", at: F.june2024)?.entry.prefix == "123456789012345678")
        #expect(deck.match("1234567890123456770000", at: F.june2024)?.entry.prefix == "1")
    }

    /// Property: the indexed match (prefixes of the packed destination, longest first) equals a scan of every row
    /// for the longest prefix of the destination's first 18 digits in force, on seeded random decks of short
    /// prefixes (many nested, with gaps and periods) and destinations up to 24 digits, with and without `+`.
    @Test func matchEqualsALinearScanOfTheRows() throws {
        var generator = SplitMix64(seed: 0x9F1)
        let months = ["2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z", "2024-10-01T00:00:00Z"]
        for _ in 0..<60 {
            var rows: [String] = []
            var used = Set<String>()
            for _ in 0..<(5 + Int(generator.next() % 40)) {
                let prefix = Self.digits(&generator, count: 1 + Int(generator.next() % 18))
                guard used.insert(prefix).inserted else { continue }
                // One open-ended row, or two periods with a gap between them.
                if generator.next() % 3 == 0 {
                    rows.append(F.row(prefix, rate: "0.\(generator.next() % 9_000 + 1_000)", from: months[0], until: months[1]))
                    rows.append(F.row(prefix, rate: "0.\(generator.next() % 9_000 + 1_000)", from: months[2]))
                } else {
                    rows.append(F.row(prefix, rate: "0.\(generator.next() % 9_000 + 1_000)"))
                }
            }
            let deck = try F.deck(rows)
            let prefixes = deck.entries.map(\.prefix)
            for _ in 0..<200 {
                // Mostly a known prefix extended, so long matches are common.
                var destination = generator.next() % 4 == 0 ? "" : prefixes[Int(generator.next() % UInt64(prefixes.count))]
                destination += Self.digits(&generator, count: Int(generator.next() % 12))
                destination = String(destination.prefix(24))
                let instant = F.june2024 + Int64(generator.next() % 4) * 2_592_000_000_000 - 10_000_000_000_000
                let expected = Self.scan(deck, destination, at: instant)
                #expect(deck.match(destination, at: instant)?.entry == expected, "\(destination)")
                #expect(deck.match("+" + destination, at: instant)?.entry == expected, "+\(destination)")
                // The generic entry point (a Substring) goes the same way as the String one.
                #expect(deck.match(("x+" + destination).dropFirst(), at: instant)?.entry == expected, "x+\(destination)")
            }
        }
    }

    static func digits(_ generator: inout SplitMix64, count: Int) -> String {
        String((0..<count).map { _ in Character(String(generator.next() % 10)) })
    }

    // The longest prefix of the destination's first 18 digits among the rows in force, by a scan of every row.
    static func scan(_ deck: RateDeck, _ destination: String, at instant: Int64) -> RateEntry? {
        let digits = destination.prefix(18)
        return deck.entries
            .filter { !$0.prefix.isEmpty && digits.hasPrefix($0.prefix) && $0.period.contains(instant) }
            .max { $0.prefix.count < $1.prefix.count }
    }

    /// Performance is printed, not asserted: 100 000 generated prefixes, load and 100 000 lookups.
    @Test func largeDeckLoadAndMatchTimes() throws {
        var generator = SplitMix64(seed: 42)
        var prefixes = Set<String>()
        while prefixes.count < 100_000 {
            let length = Int(generator.next() % 8) + 3
            prefixes.insert(String((0..<length).map { _ in Character(String(generator.next() % 10)) }))
        }
        var text = DeckFixtures.header + "\n"
        for prefix in prefixes.sorted() {
            text += "\(prefix),0.\(String(format4(generator.next() % 10_000))),EUR,per-min,60,60,0,0,2024-01-01T00:00:00Z,\n"
        }
        let clock = ContinuousClock()
        var deck: RateDeck?
        let loadTime = try clock.measure {
            deck = try RateDeckLoader.load(csv: text, name: "large.csv")
        }
        let loaded = try #require(deck)
        #expect(loaded.entries.count == 100_000)
        let destinations = (0..<100_000).map { _ in String((0..<12).map { _ in Character(String(generator.next() % 10)) }) }
        var matched = 0
        let matchTime = clock.measure {
            for destination in destinations where loaded.match(destination, at: F.june2024) != nil {
                matched += 1
            }
        }
        print("rating: 100k-prefix deck (\(text.utf8.count) bytes) loaded in \(loadTime); 100k matches (\(matched) hits) in \(matchTime)")
    }

    private func format4(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
