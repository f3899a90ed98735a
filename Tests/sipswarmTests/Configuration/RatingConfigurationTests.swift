import Foundation
import Node
import Testing
@testable import sipswarm
import TestScratch

// `[rating]` and the rate deck keys of `[[customers]]` / `[[providers]]`.
@Suite struct RatingConfigurationTests {
    static let header =
        "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until\n"

    // A folder with `node.toml` and `rates/{c1,p1}.csv`; removed by the caller.
    struct Folder {
        let url: URL

        init(c1Row: String = "44,0.0150,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,") throws {
            self.url = ScratchDirectory.makeURL("ratingcfg")
            let rates = self.url.appendingPathComponent("rates")
            try FileManager.default.createDirectory(at: rates, withIntermediateDirectories: true)
            try (header + c1Row + "\n").write(to: rates.appendingPathComponent("c1.csv"), atomically: true, encoding: .utf8)
            try (header + "44,0.0100,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,\n")
                .write(to: rates.appendingPathComponent("p1.csv"), atomically: true, encoding: .utf8)
            try (header + "44,0.0040,EUR,per-msg,,,0,,2024-01-01T00:00:00Z,\n")
                .write(to: rates.appendingPathComponent("c1-msg.csv"), atomically: true, encoding: .utf8)
        }

        func load(_ toml: String) throws(ConfigurationError) -> NodeConfiguration {
            let path = self.url.appendingPathComponent("node.toml").path
            do {
                try toml.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                preconditionFailure("cannot write \(path): \(error)")
            }
            return try ConfigurationLoader.load(path: path)
        }

        func remove() {
            try? FileManager.default.removeItem(at: self.url)
        }
    }

    static func toml(rating: String = "", customer: String = "rate_deck = \"rates/c1.csv\"", provider: String = "rate_deck = \"rates/p1.csv\"") -> String {
        """
        [node]
        id = "n1"
        listen = ["udp:127.0.0.1:5060"]

        \(rating)

        [[customers]]
        id = "c1"
        addresses = ["127.0.0.1"]
        \(customer)

        [[providers]]
        id = "p1"
        address = "127.0.0.1:5080"
        \(provider)
        """
    }

    @Test func everyKeyIsRead() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let configuration = try folder.load(Self.toml(
            rating: """
                [rating]
                min_spread = "0.0030"
                max_bid_rounds = 5
                tolerance_bp = 250
                max_group_size = 2
                reference_duration_s = 30
                pdd_budget_ms = 4000
                latency_budget_ms = 500
                target_acd_s = 90
                health_window_attempts = 50
                health_window_s = 600
                health_min_samples = 5
                health_min_bp = 4000
                weight_asr = 40
                weight_acd = 20
                weight_pdd = 30
                weight_latency = 10
                """,
            customer: "rate_deck = \"rates/c1.csv\"\nmessage_rate_deck = \"rates/c1-msg.csv\"",
            provider: "rate_deck = \"\(folder.url.path)/rates/p1.csv\"\nmax_concurrent = 20\ncalls_per_second = 5"
        ))
        #expect(configuration.rating == RatingSettings(
            minimumSpreadMicros: 3_000, maxBidRounds: 5, toleranceBasisPoints: 250, maxGroupSize: 2,
            referenceDurationSeconds: 30, pddBudget: .milliseconds(4000), latencyBudget: .milliseconds(500),
            targetAcd: .seconds(90), healthWindowAttempts: 50, healthWindow: .seconds(600), healthMinimumSamples: 5,
            healthMinimumBasisPoints: 4000, weightASR: 40, weightACD: 20, weightPDD: 30, weightLatency: 10
        ))
        // Relative paths are read from the configuration's folder; absolute ones stay.
        #expect(configuration.customers[0].rateDeck == folder.url.path + "/rates/c1.csv")
        #expect(configuration.customers[0].messageRateDeck == folder.url.path + "/rates/c1-msg.csv")
        #expect(configuration.providers[0].rateDeck == folder.url.path + "/rates/p1.csv")
        #expect(configuration.providers[0].messageRateDeck == nil)
        #expect(configuration.providers[0].maxConcurrent == 20)
        #expect(configuration.providers[0].callsPerSecond == 5)
    }

    @Test func everythingIsOptional() throws {
        let configuration = try ConfigurationLoader.load(tomlString: Self.toml(customer: "", provider: ""), fileName: "test.toml")
        #expect(configuration.rating == RatingSettings())
        #expect(configuration.customers[0].rateDeck == nil)
        #expect(configuration.providers[0].rateDeck == nil)
        #expect(configuration.providers[0].maxConcurrent == nil)
        #expect(configuration.providers[0].callsPerSecond == nil)
    }

    @Test func fileNameWithoutFolderKeepsThePathAsWritten() throws {
        // `knownKeyPaths` reads no deck, so a path that does not exist is fine there.
        let keys = try ConfigurationLoader.knownKeyPaths(tomlString: Self.toml(rating: "[rating]\nmax_bid_rounds = 2"))
        #expect(keys.contains("rating.min_spread"))
        #expect(keys.contains("customers[].rate_deck"))
        #expect(keys.contains("providers[].calls_per_second"))
    }

    static let badRating: [(String, String, ConfigurationError.Code)] = [
        ("mininum_spread = \"0\"", "rating.mininum_spread", .unknownKey),
        ("min_spread = 0.003", "rating.min_spread", .wrongType),
        ("min_spread = \"abc\"", "rating.min_spread", .invalidValue),
        ("min_spread = \"-0.01\"", "rating.min_spread", .invalidValue),
        ("min_spread = \"0.0000001\"", "rating.min_spread", .invalidValue),
        ("min_spread = \"1000001\"", "rating.min_spread", .invalidValue),
        ("max_bid_rounds = 0", "rating.max_bid_rounds", .invalidValue),
        ("max_bid_rounds = 11", "rating.max_bid_rounds", .invalidValue),
        ("max_bid_rounds = \"3\"", "rating.max_bid_rounds", .wrongType),
        ("tolerance_bp = 10001", "rating.tolerance_bp", .invalidValue),
        ("tolerance_bp = -1", "rating.tolerance_bp", .invalidValue),
        ("max_group_size = 0", "rating.max_group_size", .invalidValue),
        ("reference_duration_s = 0", "rating.reference_duration_s", .invalidValue),
        ("reference_duration_s = 3601", "rating.reference_duration_s", .invalidValue),
        ("pdd_budget_ms = 0", "rating.pdd_budget_ms", .invalidValue),
        ("latency_budget_ms = 60001", "rating.latency_budget_ms", .invalidValue),
        ("target_acd_s = 0", "rating.target_acd_s", .invalidValue),
        ("health_window_attempts = 0", "rating.health_window_attempts", .invalidValue),
        ("health_window_s = 0", "rating.health_window_s", .invalidValue),
        ("health_min_samples = -1", "rating.health_min_samples", .invalidValue),
        ("health_min_bp = 10001", "rating.health_min_bp", .invalidValue),
        ("weight_asr = 1001", "rating.weight_asr", .invalidValue),
        ("weight_asr = 0\nweight_acd = 0\nweight_pdd = 0\nweight_latency = 0", "rating.weight_asr", .invalidValue),
    ]

    @Test(arguments: badRating.indices)
    func badRatingValue(index: Int) {
        let (line, keyPath, code) = Self.badRating[index]
        let toml = Self.toml(rating: "[rating]\n\(line)", customer: "", provider: "")
        do {
            _ = try ConfigurationLoader.load(tomlString: toml, fileName: "test.toml")
            Issue.record("\(line) was accepted")
        } catch {
            #expect(error.code == code, "\(line)")
            #expect(error.location == keyPath, "\(line)")
            #expect(!error.description.contains("\n"))
        }
    }

    static let badTrunk: [(customer: String, provider: String, keyPath: String, code: ConfigurationError.Code)] = [
        ("rate_dek = \"x.csv\"", "", "customers[0].rate_dek", .unknownKey),
        ("rate_deck = 5", "", "customers[0].rate_deck", .wrongType),
        ("rate_deck = \"\"", "", "customers[0].rate_deck", .invalidValue),
        ("message_rate_deck = [\"a\"]", "", "customers[0].message_rate_deck", .wrongType),
        ("", "max_concurent = 3", "providers[0].max_concurent", .unknownKey),
        ("", "max_concurrent = 0", "providers[0].max_concurrent", .invalidValue),
        ("", "max_concurrent = \"3\"", "providers[0].max_concurrent", .wrongType),
        ("", "calls_per_second = 0", "providers[0].calls_per_second", .invalidValue),
        ("", "calls_per_second = 100001", "providers[0].calls_per_second", .invalidValue),
        ("", "rate_deck = \"missing.csv\"", "providers[0].rate_deck", .invalidValue),
    ]

    @Test(arguments: badTrunk.indices)
    func badTrunkValue(index: Int) {
        let bad = Self.badTrunk[index]
        do {
            _ = try ConfigurationLoader.load(tomlString: Self.toml(customer: bad.customer, provider: bad.provider), fileName: "test.toml")
            Issue.record("\(bad) was accepted")
        } catch {
            #expect(error.code == bad.code, "\(bad)")
            #expect(error.location == bad.keyPath, "\(bad)")
        }
    }

    @Test func badDeckLineRefusesTheStartWithOneLineNamingFileLineAndColumn() throws {
        let folder = try Folder(c1Row: "44,0.0150,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,\n44,0.0150,EUR,per-hour,6,6,0,0,2025-01-01T00:00:00Z,")
        defer { folder.remove() }
        do {
            _ = try folder.load(Self.toml())
            Issue.record("the bad deck was accepted")
        } catch {
            let config = folder.url.appendingPathComponent("node.toml").path
            let deck = folder.url.path + "/rates/c1.csv"
            #expect(error.code == .invalidValue)
            #expect(error.location == "customers[0].rate_deck")
            #expect(error.description.hasPrefix("\(config): customers[0].rate_deck: \(deck):3 column price_unit: "))
            #expect(error.description.hasSuffix("(invalidPriceUnit)"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingDeckFileNamesTheKey() throws {
        let folder = try Folder()
        defer { folder.remove() }
        do {
            _ = try folder.load(Self.toml(customer: "rate_deck = \"rates/nope.csv\""))
            Issue.record("a missing deck was accepted")
        } catch {
            #expect(error.location == "customers[0].rate_deck")
            #expect(error.description.contains(folder.url.path + "/rates/nope.csv"))
            #expect(error.description.hasSuffix("(unreadable)"))
            #expect(!error.description.contains("\n"))
        }
    }
}
