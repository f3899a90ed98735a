import ArgumentParser
import Foundation
import Logging
import MQAL
import NATS
import Node
import Rating

/// `sipswarm rates …`: rate deck updates for the swarm.
struct RatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rates",
        abstract: "Publish rate deck updates on the ratesync stream.",
        subcommands: [RatesPublishCommand.self]
    )
}

/// `sipswarm rates publish --config FILE --trunk provider --id p1 [--unit per-min] DECK.csv`: checks the deck
/// locally (a deck the loader refuses is never published) and publishes it on `[streams.ratesync]`; every node
/// consuming that stream puts it in force (docs/streams.md, "Rate sync").
struct RatesPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish one rate deck on the ratesync stream.")

    @Option(help: "The node configuration whose [streams.ratesync] and [nats] say where to publish.")
    var config: String

    @Option(name: .customLong("data-dir"), help: "The data directory (local backend), instead of the configuration's.")
    var dataDir: String?

    @Option(help: "customer or provider.")
    var trunk: String

    @Option(help: "The trunk's id in [[customers]] or [[providers]].")
    var id: String

    @Option(help: "per-min (calls) or per-msg (MESSAGE).")
    var unit: String = "per-min"

    @Argument(help: "The deck, in the CSV format of docs/rating.md.")
    var deck: String

    func run() async throws {
        let configuration = try ConfigurationLoader.loadForCommand(path: config, dataDirectory: dataDir)
        guard let trunkKind = RateDeckUpdate.Trunk(rawValue: trunk) else {
            throw CommandLineFailure.exit("--trunk: must be customer or provider, got \"\(trunk)\"")
        }
        guard let priceUnit = PriceUnit(rawValue: unit) else {
            throw CommandLineFailure.exit("--unit: must be per-min or per-msg, got \"\(unit)\"")
        }
        let known = trunkKind == .customer ? configuration.customers.map(\.id) : configuration.providers.map(\.id)
        guard known.contains(id) else {
            throw CommandLineFailure.exit("--id: no \(trunk) \"\(id)\" in \(config)")
        }
        // Checked here first: a deck every node would refuse is not worth publishing.
        let loaded: RateDeck
        do {
            loaded = try RateDeckLoader.load(path: deck)
        } catch {
            throw CommandLineFailure.exit("\(deck):\(error.line)\(error.column.map { " column \($0)" } ?? ""): \(error.reason)")
        }
        let csv: String
        do {
            csv = try String(contentsOfFile: deck, encoding: .utf8)
        } catch {
            throw CommandLineFailure.exit("\(deck): \(error.localizedDescription)")
        }
        let update = RateDeckUpdate(trunk: trunkKind, id: id, unit: priceUnit, name: loaded.name, csv: csv)
        let backend = try Self.backend(configuration)
        do {
            try await backend.ensure()
        } catch {
            throw CommandLineFailure.exit("ratesync: \(error.reason)")
        }
        // The message id is unique per publish; the stream keeps every update, the latest one per trunk wins.
        let stamp = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let message = OutboundMessage(node: configuration.nodeID + "-rates", kind: "ratesync", seq: stamp, body: update.encoded())
        let result = await backend.publish([message]).first
        await backend.close()
        switch result {
        case .success(let ack)?:
            print("published \(loaded.name) (\(loaded.entries.count) rows, version \(loaded.version)) for \(trunk) \(id) \(unit) at stream sequence \(ack.sequence)")
        case .failure(let error)?:
            throw CommandLineFailure.exit("ratesync: \(error.reason)")
        case nil:
            throw CommandLineFailure.exit("ratesync: no acknowledgement")
        }
    }

    private static func backend(_ configuration: NodeConfiguration) throws -> any StreamBackend {
        let selection = configuration.streams.selection(for: "ratesync")
        let logger = Logger(label: "sipswarm.rates")
        switch selection.backend {
        case .none:
            throw CommandLineFailure.exit("[streams.ratesync] backend is \"none\": nothing consumes rate updates")
        case .local:
            return LocalBackend(dataDirectory: configuration.dataDirectory, kind: "ratesync", logger: logger)
        case .jetstream:
            let settings = configuration.streams.nats
            return JetStreamBackend(
                options: JetStreamBackend.Options(
                    stream: selection.stream, subject: selection.subject(nodeID: configuration.nodeID),
                    streamSubjects: [selection.streamSubject], duplicateWindow: settings.duplicateWindow,
                    publishTimeout: settings.publishTimeout, maxInFlight: 1
                ),
                connection: NATSConnection(options: StreamPublishers.connectionOptions(settings, nodeID: configuration.nodeID), logger: logger),
                logger: logger
            )
        }
    }
}
