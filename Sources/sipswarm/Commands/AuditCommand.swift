import ArgumentParser
import Foundation
import Node
import Records

/// `sipswarm audit ...`: what this node witnessed of its peers (docs/audit.md).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Peer audit: what this node witnessed of its peers' checkpoints.",
        subcommands: [Status.self]
    )

    /// `sipswarm audit status [--config FILE] [--data-dir DIR] [--json]`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Every peer with its last witnessed checkpoint (seq, chain sizes, time) and state.",
            discussion: """
                Reads DATA/witness/; the node need not be running. States: ok, never heard, silent (no checkpoint \
                for more than silent_after_intervals publish intervals), alerted (an alert other than silence was \
                raised; see DATA/witness/<peer>.evidence/). Without --config, the peers are those with a witness file \
                and the default intervals apply.
                """
        )

        @Option(help: "The node's TOML configuration (its [[peers]] and [audit] intervals).")
        var config: String?

        @Option(name: .customLong("data-dir"), help: "Data directory; overrides [node] data_dir (default ./data without --config).")
        var dataDir: String?

        @Flag(help: "Print canonical JSON instead of a table.")
        var json = false

        func run() throws {
            let settings: AuditSettings
            let dataDirectory: String
            if let config {
                let configuration = try ConfigurationLoader.loadForCommand(path: config, dataDirectory: dataDir)
                guard let audit = configuration.audit else {
                    throw CommandLineFailure.exit("\(config): no [audit] or [[peers]] section; audit is off for this node")
                }
                settings = audit
                dataDirectory = configuration.dataDirectory
            } else {
                dataDirectory = dataDir ?? NodeConfiguration.defaultDataDirectory
                settings = AuditSettings(peers: Self.witnessedPeers(in: dataDirectory))
            }
            let report = AuditStatusReport(settings: settings, dataDirectory: dataDirectory, nowMicros: SystemMicrosecondClock().nowMicroseconds())
            print(json ? report.canonicalJSON().canonicalString() : report.text())
        }

        // Peers known only by their witness files (no keys or addresses needed to show what is stored).
        private static func witnessedPeers(in dataDirectory: String) -> [PeerSettings] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/witness")) ?? []
            return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
                PeerSettings(id: String(name.dropLast(".json".count)), uri: "", host: "", port: 0, transport: .tcp, publicKey: [])
            }
        }
    }
}
