import Foundation
import Testing

/// A rated loopback network for one test: customer `c1` and providers `p1`/`p2` with rate decks
/// (CSV files in the test's directory) for prefix 1, the node, the providers' sipp UASs and one
/// customer sipp UAC that dials `RatedNetwork.destination`.
///
/// Ports: node at `base`, `p1` at `base + 5`, `p2` at `base + 6`, the customer at `base + 10`.
struct RatedNetwork {
    /// Matches the decks' prefix 1.
    static let destination = "15551234567"

    /// Per-minute and per-message prices of one party, decimal strings as in the deck.
    struct Prices {
        var perMinute: String
        var perMessage: String
    }

    /// One provider sipp: its scenario and how many sipp calls it must complete (a negotiation
    /// round is a new INVITE, so a new call).
    struct ProviderScenario {
        var id: String
        var scenario: String
        var calls = 1
    }

    let base: Int
    let directory: TemporaryDirectory
    let config: NodeConfig

    /// Writes the decks (6/6 increments, no fee, no minimum) and the node configuration.
    init(
        base: Int,
        name: String,
        customer: Prices = Prices(perMinute: "0.015000", perMessage: "0.004000"),
        providers: [(id: String, prices: Prices)],
        rating: NodeConfig.Rating = NodeConfig.Rating()
    ) throws {
        self.base = base
        directory = try TemporaryDirectory(prefix: name)
        let customerDecks = try Self.writeDecks("c1", customer, in: directory)
        var trunks: [NodeConfig.Provider] = []
        for (index, provider) in providers.enumerated() {
            let decks = try Self.writeDecks(provider.id, provider.prices, in: directory)
            trunks.append(
                .init(
                    id: provider.id, port: base + 5 + index, priority: index + 1,
                    rateDeck: decks.perMinute, messageRateDeck: decks.perMessage
                )
            )
        }
        var config = NodeConfig(sipPort: base, providers: trunks)
        config.customerRateDeck = customerDecks.perMinute
        config.customerMessageRateDeck = customerDecks.perMessage
        config.rating = rating
        self.config = config
    }

    /// Starts the node and the providers, runs the customer's one call to `destination` and stops
    /// everything; the node's records stay readable through `RatedRun.node`.
    func run(
        customer scenario: String, destination: String = Self.destination, providers: [ProviderScenario]
    ) async throws -> RatedRun {
        let node = try await NodeProcess.start(config, in: directory)
        var servers: [(String, SippProcess)] = []
        for provider in providers {
            guard let trunk = config.providers.first(where: { $0.id == provider.id }) else {
                throw HarnessError("no provider \(provider.id) in the configuration")
            }
            let options = SippOptions(
                scenario: provider.scenario, localPort: trunk.port, calls: provider.calls, timeLimitSeconds: 15, traceMessages: true
            )
            servers.append((provider.id, try await SippProcess.startServer("uas-\(provider.id)", options, in: directory)))
        }
        let customer = try SippProcess(
            "uac",
            SippOptions(
                scenario: scenario, localPort: base + 10, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 15,
                service: destination, traceMessages: true
            ),
            in: directory
        )
        let customerResult = await customer.wait(timeout: .seconds(20))
        var providerResults: [String: SippResult] = [:]
        for (id, server) in servers {
            providerResults[id] = await finish(server, within: .seconds(5))
        }
        let nodeExit = await node.stop()
        return RatedRun(node: node, customer: customerResult, providers: providerResults, nodeExit: nodeExit)
    }

    private static let deckHeader =
        "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until"

    /// `<name>.csv` (per minute) and `<name>-msg.csv` (per message), one row each for prefix 1.
    private static func writeDecks(_ name: String, _ prices: Prices, in directory: TemporaryDirectory) throws -> Prices {
        let perMinute = directory.file("\(name).csv")
        let perMessage = directory.file("\(name)-msg.csv")
        try "\(deckHeader)\n1,\(prices.perMinute),EUR,per-min,6,6,0,0,2020-01-01T00:00:00Z,\n"
            .write(to: perMinute, atomically: true, encoding: .utf8)
        try "\(deckHeader)\n1,\(prices.perMessage),EUR,per-msg,,,0,,2020-01-01T00:00:00Z,\n"
            .write(to: perMessage, atomically: true, encoding: .utf8)
        return Prices(perMinute: perMinute.path, perMessage: perMessage.path)
    }
}

/// What one rated run left behind: sipp results, the node's exit code and its records.
struct RatedRun {
    let node: NodeProcess
    let customer: SippResult
    let providers: [String: SippResult]
    let nodeExit: Int32?

    /// Every sipp finished all its calls successfully and the node stopped cleanly.
    func expectCleanRun(sourceLocation: SourceLocation = #_sourceLocation) {
        let logs = "logs in \(node.directory.path)"
        #expect(customer.exitCode == 0, "customer: \(customer)\n\(logs)", sourceLocation: sourceLocation)
        for (id, result) in providers.sorted(by: { $0.key < $1.key }) {
            #expect(result.exitCode == 0, "provider \(id): \(result)\n\(logs)", sourceLocation: sourceLocation)
        }
        #expect(nodeExit == 0, "node stderr:\n\(node.stderrTail)\n\(logs)", sourceLocation: sourceLocation)
    }

    /// The only CDR of the run.
    func singleCDR(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONRecord {
        let cdrs = try node.cdrs()
        try #require(cdrs.count == 1, "\(cdrs)", sourceLocation: sourceLocation)
        return cdrs[0]
    }
}

extension NodeProcess {
    /// The `bidlog` records (one per negotiation round, docs/negotiation.md).
    func bidlogs() throws -> [JSONRecord] {
        try JSONRecord.readAll(in: dataDirectory.appendingPathComponent("bidlog", isDirectory: true), kind: "bidlog")
    }
}

extension JSONRecord {
    /// A nested object, e.g. `cdr.member("rating")?.member("customer")`; described by the whole line.
    func member(_ key: String) -> JSONRecord? {
        guard let object = fields[key] as? [String: Any] else { return nil }
        return JSONRecord(fields: object, line: line)
    }

    /// A nested array of objects, e.g. the `groups` of `routing`.
    func array(_ key: String) -> [Any]? {
        fields[key] as? [Any]
    }

    /// A decimal amount field (`"0.016500"`) as integer micro-units.
    func micros(_ key: String) -> Int64? {
        string(key).flatMap(Self.micros)
    }

    /// `-?[0-9]+(\.[0-9]{1,6})?` as micro-units, exactly; nil for anything else (no binary floating point).
    static func micros(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0]) else {
            return nil
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...6).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int64(digits + String(repeating: "0", count: 6 - digits.count))
            else { return nil }
            fraction = value
        }
        let magnitude = whole * 1_000_000 + fraction
        return negative ? -magnitude : magnitude
    }
}
