import ArgumentParser
import Foundation
import Logging
import Node
import Records

/// `sipswarm audit ...`: what this node witnessed of its peers (docs/audit.md).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Peer audit: what this node witnessed of its peers' checkpoints.",
        subcommands: [Status.self, Reconcile.self]
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

    /// `sipswarm audit reconcile --peer ID --receipt GUID [--receipt GUID ...] [--config FILE] [--data-dir DIR]`.
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Compare this node's CDRs of given receipts with a peer's, proven by the peer's signed ledger.",
            discussion: """
                Asks the peer's admin plane (MESSAGE) for its CDRs of the receipts with inclusion proofs against its latest \
                checkpoint, and compares the agreed rate, currency, receipt state, and answer and end times (within \
                [audit] reconcile_tolerance_ms). Exits 1 when any receipt mismatches or is not proven; each such receipt \
                is also handed to the running node (DATA/admin/audit-alerts/), which records it as an audit alert.
                """
        )

        @Option(help: "The node's TOML configuration (its [[peers]] and [audit]).")
        var config: String

        @Option(name: .customLong("data-dir"), help: "Data directory; overrides [node] data_dir.")
        var dataDir: String?

        @Option(help: "The peer's id, as in [[peers]].")
        var peer: String

        @Option(name: .customLong("receipt"), help: "A Receipt GUID to reconcile; repeat for more.")
        var receipts: [String] = []

        func run() async throws {
            let configuration = try ConfigurationLoader.loadForCommand(path: config, dataDirectory: dataDir)
            guard let settings = configuration.audit, let peerSettings = settings.peer(id: peer) else {
                throw CommandLineFailure.exit("\(config): no [[peers]] entry with id \(peer)")
            }
            guard !receipts.isEmpty else {
                throw CommandLineFailure.exit("name at least one --receipt GUID")
            }
            var logger = Logger(label: "sipswarm")
            logger.logLevel = .warning
            let outcome: (results: [ReconcileResult], notOurs: [String])
            do {
                outcome = try await ReconcileClient(configuration: configuration, settings: settings, logger: logger)
                    .reconcile(peer: peerSettings, receipts: receipts)
            } catch {
                throw CommandLineFailure.exit("reconcile with \(peer): \(error)")
            }
            var failed = false
            let folder = AlertRequestFolder(dataDirectory: configuration.dataDirectory)
            for result in outcome.results {
                let alert: AuditAlert?
                switch result.outcome {
                case .agree:
                    print("\(result.receipt)  agree")
                    alert = nil
                case .mismatch(let differences):
                    print("\(result.receipt)  mismatch  \(differences.map(\.description).joined(separator: "; "))")
                    alert = AuditAlert(
                        code: "reconcile_mismatch", peer: peer,
                        reason: "receipt \(result.receipt): \(differences.map(\.description).joined(separator: "; "))",
                        details: ["receipt": .string(result.receipt), "differences": .array(differences.map { .string($0.description) })]
                    )
                case .missing:
                    print("\(result.receipt)  missing  (the peer's latest checkpoint covers no CDR with this receipt)")
                    alert = nil
                case .unproven(let why):
                    print("\(result.receipt)  unproven  \(why)")
                    alert = AuditAlert(
                        code: "reconcile_unproven", peer: peer, reason: "receipt \(result.receipt): \(why)", details: ["receipt": .string(result.receipt)]
                    )
                case .deferred:
                    print("\(result.receipt)  deferred  (ask again)")
                    alert = nil
                }
                guard let alert else { continue }
                failed = true
                do {
                    let file = try folder.request(alert, timeMicros: SystemMicrosecondClock().nowMicroseconds())
                    print("  alert requested: \(file)")
                } catch {
                    FileHandle.standardError.write(Data("sipswarm: error: alert request not written: \(error)\n".utf8))
                }
            }
            for receipt in outcome.notOurs {
                print("\(receipt)  not here  (this node has no CDR with this receipt)")
            }
            if failed { throw ExitCode(1) }
        }
    }
}
