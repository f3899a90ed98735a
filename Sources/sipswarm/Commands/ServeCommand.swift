import ArgumentParser
import Export
import Foundation
import Logging
import MQAL
import Node
import Records
import RecordStore
import ServiceLifecycle
import UnixSignals

/// `sipswarm serve --config FILE [--data-dir DIR]`: run a node until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a node until SIGINT or SIGTERM, then stop gracefully."
    )

    @Option(help: "TOML configuration file (see examples/loopback.toml).")
    var config: String

    @Option(name: .customLong("data-dir"), help: "Data directory; overrides [node] data_dir.")
    var dataDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CommandLineFailure.exit("--log-level: unknown level \"\(logLevel)\"")
        }
        let logger = LogSetup.bootstrap(level: level)
        let configuration = try ConfigurationLoader.loadForCommand(path: config, dataDirectory: dataDir)
        // `[metrics]`: swift-metrics records into the registry the endpoint serves. Bootstrapped before anything that
        // records is made (a Counter or Timer made earlier stays on the no-op handler); without the section nothing is
        // bootstrapped and recording costs nothing.
        let metrics = configuration.metrics.map { _ in NodeMetricsBootstrap.bootstrapOnce(NodeMetricsRegistry()) }
        let sink: JSONLinesRecordSink
        do {
            sink = try JSONLinesRecordSink(
                dataDirectory: configuration.dataDirectory,
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
            throw CommandLineFailure.exit("data directory \(configuration.dataDirectory): \(error)")
        }
        // File exporters (`[[exporters]]`), fed by the rotation observer below and by a scan of the data directory.
        let exportService: ExportService?
        do {
            exportService = try ExportWiring.make(configuration: configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            sink.close()
            throw CommandLineFailure.exit("export: \(error)")
        }
        // Closed files are what exporters pick up; one line per file lets an operator follow them.
        sink.observeRotations { event in
            exportService?.fileClosed(kind: event.kind, path: event.closedFile)
            logger.info(
                "record file closed",
                metadata: [
                    "kind": "\(event.kind)", "file": "\(event.closedFile)", "records": "\(event.records)",
                    "swap_us": "\(event.swap.components.attoseconds / 1_000_000_000_000 + event.swap.components.seconds * 1_000_000)",
                ]
            )
        }
        // Peer audit (`[audit]`, `[[peers]]`; docs/audit.md): its admin plane binds before the node starts.
        let audit: AuditService?
        do {
            audit = try await AuditService.startIfConfigured(configuration: configuration, records: sink, logger: logger)
        } catch {
            sink.close()
            throw CommandLineFailure.exit("audit: \(error)")
        }
        let node = SIPNode(configuration: configuration, sink: sink, logger: logger, metrics: metrics)
        do {
            try await node.start()
        } catch {
            await audit?.shutdown()
            sink.close()
            throw CommandLineFailure.exit("\(error)")
        }
        // Shut down in reverse: the node drains, the sink writes its last records, the publishers stream them.
        let publishers = StreamPublishers.make(configuration: configuration, sink: sink, logger: logger)
        // Exports stop last (uploads in flight finish; the durable queue keeps the rest for the next start).
        let exportServices: [any Service] = exportService.map { [$0] } ?? []
        // Rate deck updates from `[streams.ratesync]` (none by default); stopped first, before the node drains.
        let rateSync: [any Service] = RateSyncService.make(configuration: configuration, node: node, logger: logger).map { [$0] } ?? []
        // The audit stops before the node drains (its alerts and acceptances are records the sink must still take).
        let auditServices: [any Service] = audit.map { [$0] } ?? []
        let services: [any Service] = exportServices + publishers.services + [RecordSinkCloser(sink: sink), node] + auditServices + rateSync
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        sink.close()
        for status in publishers.statuses {
            logger.info(
                "stream publisher stopped",
                metadata: ["stream": "\(status.kind)", "backend": "\(status.backend)", "cursor": "\(status.cursor)", "lag": "\(status.lag)"]
            )
        }
        let statistics = await node.statistics()
        logger.info(
            "records flushed",
            metadata: ["sessions": "\(statistics.sessionsEnded)", "records": "\(statistics.recordsEmitted)", "data_dir": "\(configuration.dataDirectory)"]
        )
    }
}
