import ArgumentParser
import Foundation
import Ledger
import Logging
import MQAL
import NIOCore
import NIOPosix
import Node
import Records
import RecordStore

/// `sipswarm demo`: a node, a simulated customer and two simulated providers in one process,
/// real SIP over loopback UDP, then a one-screen summary, a check that every call has its CDR,
/// and a full ledger verification of the data directory.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a node with simulated carriers on loopback and summarize what it recorded."
    )

    @Option(help: "Number of calls the simulated customer places.")
    var calls: Int = 300

    @Option(help: "Calls per second.")
    var rate: Double = 100

    @Option(name: .customLong("hold-ms"), help: "How long each answered call stays up, in milliseconds.")
    var holdMilliseconds: Int = 200

    @Option(name: .customLong("reject-every"), help: "Provider p1 answers every Nth call with 503, so it fails over to p2.")
    var rejectEvery: Int = 5

    @Option(name: .customLong("cancel-every"), help: "The customer cancels every Nth call while it rings (0: never).")
    var cancelEvery: Int = 25

    @Option(name: .customLong("data-dir"), help: "Where the records go (default: a new folder under the system temporary directory).")
    var dataDir: String?

    @Option(name: .customLong("log-level"), help: "Log level for the node and carriers.")
    var logLevel: String = "warning"

    func validate() throws {
        guard calls > 0, calls <= 1_000_000 else { throw ValidationError("--calls must be 1...1000000") }
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be in (0, 10000]") }
        guard holdMilliseconds >= 0 else { throw ValidationError("--hold-ms must not be negative") }
        guard rejectEvery >= 0, cancelEvery >= 0 else { throw ValidationError("--reject-every and --cancel-every must not be negative") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \"\(logLevel)\"") }
    }

    static let ringTime = Duration.milliseconds(300)

    func run() async throws {
        let logger = LogSetup.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .warning)
        let dataDirectory = dataDir ?? NSTemporaryDirectory() + "sipswarm-demo-\(ProcessInfo.processInfo.processIdentifier)"
        // The carriers share NIO's process-wide group; the node runs on its own SIP loop.
        let group = MultiThreadedEventLoopGroup.singleton

        // The providers ring for 300 ms before answering: long enough that a customer's CANCEL after the 180 reaches
        // them first even on a loaded machine (the CANCEL crosses the node twice), so the summary's counts are stable.
        let p1 = try await SimulatedProvider.start(
            configuration: .init(name: "p1", answerDelay: Self.ringTime, rejectEvery: rejectEvery > 0 ? rejectEvery : nil),
            group: group, logger: logger
        )
        let p2 = try await SimulatedProvider.start(configuration: .init(name: "p2", answerDelay: Self.ringTime), group: group, logger: logger)

        var configuration = NodeConfiguration.loopbackDefault
        configuration.nodeID = "demo"
        configuration.dataDirectory = dataDirectory
        configuration.listen = [ListenAddress(transport: .udp, host: "127.0.0.1", port: 0)]
        configuration.providers = [
            ProviderTrunk(id: "p1", host: "127.0.0.1", port: p1.port, transport: .udp, priority: 1),
            ProviderTrunk(id: "p2", host: "127.0.0.1", port: p2.port, transport: .udp, priority: 2),
        ]
        configuration.drainTimeout = .seconds(5)

        let sink: JSONLinesRecordSink
        do {
            sink = try JSONLinesRecordSink(
                dataDirectory: dataDirectory,
                nodeID: configuration.nodeID,
                checkpointInterval: configuration.ledger.checkpointInterval,
                rotation: RotationPolicy(
                    maxRecords: configuration.records.rotateMaxRecords,
                    maxBytes: configuration.records.rotateMaxBytes,
                    maxAge: configuration.records.rotateMaxAge
                )
            ) { error in
                logger.error("record write failed", metadata: ["error": "\(error)"])
            }
        } catch {
            throw CommandLineFailure.exit("data directory \(dataDirectory): \(error)")
        }
        let node = SIPNode(configuration: configuration, sink: sink, logger: logger)
        let bound: [String]
        do {
            bound = try await node.start()
        } catch {
            throw CommandLineFailure.exit("\(error)")
        }
        guard let nodePort = bound.first.flatMap({ $0.split(separator: ":").last }).flatMap({ Int($0) }) else {
            throw CommandLineFailure.exit("node reported no UDP listener")
        }

        print("SIPswarm demo: node on udp:127.0.0.1:\(nodePort), providers p1 :\(p1.port) (503 on every \(rejectEvery)th call) and p2 :\(p2.port)")
        print("placing \(calls) calls at \(Int(rate))/s, \(holdMilliseconds) ms each\(cancelEvery > 0 ? ", every \(cancelEvery)th cancelled while ringing" : "") ...")
        let customer = try await SimulatedCustomer.start(
            configuration: .init(
                targetHost: "127.0.0.1", targetPort: nodePort, calls: calls, rate: rate,
                holdTime: .milliseconds(holdMilliseconds), cancelEvery: cancelEvery > 0 ? cancelEvery : nil
            ),
            group: group, logger: logger
        )
        let report = try await customer.run()
        await node.drainAndStop()
        sink.close()
        // The demo streams to the local backend (DATA/streams/<kind>/), everything durable once the sink closed.
        let streamed = await StreamPublishers.make(configuration: configuration, sink: sink, logger: logger)
            .publishDurable(timeout: .seconds(10))
        try await customer.stop()
        try await p1.stop()
        try await p2.stop()

        let statistics = await node.statistics()
        let summary = DemoSummary(
            report: report, statistics: statistics,
            cdrLines: try DemoSummary.lines(in: sink.cdrFilePath),
            attemptLines: try DemoSummary.lines(in: sink.attemptFilePath),
            providerInvites: p1.counters.invites + p2.counters.invites,
            cdrFile: sink.cdrFilePath, attemptFile: sink.attemptFilePath
        )
        print(summary.text)
        let streamedLine = streamed.map { "\($0.kind)=\($0.cursor)" }.joined(separator: " ")
        let streamedAll = streamed.allSatisfy { $0.lag == 0 && $0.lastError == nil }
        print("streamed          \(streamed.reduce(0) { $0 + $1.cursor }) records to the local backend (\(streamedLine))\(streamedAll ? "" : ", NOT all: \(streamed.compactMap(\.lastError).first ?? "lag")")")
        // The same check `sipswarm verify` runs: chains, Merkle roots, checkpoint signatures.
        let ledgerIntact: Bool
        do {
            let ledger = try LedgerVerifier(dataDirectory: dataDirectory).verify()
            let chains = ledger.chains.map { "\($0.kind)=\($0.records)" }.joined(separator: " ")
            print("ledger            OK: \(ledger.totalRecords) records (\(chains)), \(ledger.checkpointCount) signed checkpoints")
            ledgerIntact = true
        } catch {
            print("ledger            FAILED: \(error)")
            ledgerIntact = false
        }
        if !summary.intact || !ledgerIntact || !streamedAll {
            throw ExitCode(1)
        }
    }
}
