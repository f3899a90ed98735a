import Foundation
@testable import Node
import Testing
import TestScratch

/// Decks in a temporary folder and an EngineHarness whose customer c1 and providers p1/p2 are rated with them
/// (prefix 1, the harness's callee 15551234567).
enum RatedDecks {
    static let header = "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until"

    static func row(_ rate: String, unit: String = "per-min", increments: String = "6,6") -> String {
        "1,\(rate),EUR,\(unit),\(increments),0,0,2020-01-01T00:00:00Z,"
    }

    /// Writes `c1.csv`, `p1.csv`, `p2.csv` (and message decks) with the given per-minute rates; returns the folder.
    static func write(customer: String = "0.015000", p1: String, p2: String) throws -> String {
        let folder = ScratchDirectory.make("decks")
        let decks = [
            ("c1", customer, "0.004000"), ("p1", p1, "0.002500"), ("p2", p2, "0.003000"),
        ]
        for (name, minute, message) in decks {
            try (header + "\n" + row(minute) + "\n").write(toFile: "\(folder)/\(name).csv", atomically: true, encoding: .utf8)
            try (header + "\n" + row(message, unit: "per-msg", increments: "1,1") + "\n")
                .write(toFile: "\(folder)/\(name)-msg.csv", atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// A harness rated with the decks in `folder`; `configure` may change the rating settings.
    static func harness(_ folder: String, _ configure: @escaping (inout NodeConfiguration) -> Void = { _ in }) -> EngineHarness {
        EngineHarness({ configuration in
            configuration.customers[0].rateDeck = folder + "/c1.csv"
            configuration.customers[0].messageRateDeck = folder + "/c1-msg.csv"
            configuration.providers[0].rateDeck = folder + "/p1.csv"
            configuration.providers[0].messageRateDeck = folder + "/p1-msg.csv"
            configuration.providers[1].rateDeck = folder + "/p2.csv"
            configuration.providers[1].messageRateDeck = folder + "/p2-msg.csv"
            configure(&configuration)
        }, rating: { configuration, now in try RatingBook(configuration: configuration, at: now) })
    }
}

extension SentMessage {
    /// `INVITE→5080`, `200→5070`: what it was and where it went.
    var routed: String { [self].routed[0] }
}
