import Logging
import MQAL
import NATS
import Node
import ServiceLifecycle

/// Rate sync (docs/streams.md): reads rate deck updates from the `ratesync` stream and puts each in force on the
/// node, atomically; a refused deck is logged and the deck in force stays. The local backend's stream is replayed
/// from its start at every node start (the latest update per trunk and unit wins, as it did before the restart);
/// on JetStream each node has its own durable consumer (`sipswarm-<node>-ratesync`), so a node that was down gets
/// the updates it missed.
struct RateSyncService: Service {
    let openReader: @Sendable () async throws(StreamError) -> any StreamReader
    let apply: @Sendable (RateDeckUpdate) async -> Result<String, RatingBookError>
    let logger: Logger

    func run() async throws {
        var reader: (any StreamReader)?
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do throws(StreamError) {
                let current: any StreamReader
                if let reader {
                    current = reader
                } else {
                    current = try await openReader()
                }
                var advancing = current
                let entries = try await advancing.next(max: 16, wait: .seconds(1))
                reader = advancing
                for entry in entries {
                    await handle(entry)
                }
                backoff = .milliseconds(100)
            } catch {
                logger.warning("rate sync cannot read its stream; retrying", metadata: ["error": "\(error.reason)"])
                reader = nil
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func handle(_ entry: StreamEntry) async {
        let update: RateDeckUpdate
        do {
            update = try RateDeckUpdate.decode(entry.body)
        } catch {
            logger.error("rate deck update refused", metadata: ["sequence": "\(entry.sequence)", "error": "\(error)"])
            return
        }
        switch await apply(update) {
        case .success(let version):
            logger.notice(
                "rate deck updated",
                metadata: ["trunk": "\(update.trunk.rawValue)", "id": "\(update.id)", "unit": "\(update.unit)", "deck": "\(version)"]
            )
        case .failure(let error):
            // The deck in force stays: a bad update never leaves a trunk half-priced.
            logger.error(
                "rate deck update refused; the deck in force stays",
                metadata: ["trunk": "\(update.trunk.rawValue)", "id": "\(update.id)", "error": "\(error)"]
            )
        }
    }
}

extension RateSyncService {
    /// The service for `[streams.ratesync]`, or nil when its backend is `none`.
    static func make(configuration: NodeConfiguration, node: SIPNode, logger: Logger) -> RateSyncService? {
        let selection = configuration.streams.selection(for: "ratesync")
        let dataDirectory = configuration.dataDirectory
        let open: @Sendable () async throws(StreamError) -> any StreamReader
        switch selection.backend {
        case .none:
            return nil
        case .local:
            open = { LocalStreamReader(dataDirectory: dataDirectory, kind: "ratesync") }
        case .jetstream:
            let connection = NATSConnection(
                options: StreamPublishers.connectionOptions(configuration.streams.nats, nodeID: configuration.nodeID), logger: logger
            )
            let stream = selection.stream
            let consumer = "sipswarm-\(configuration.nodeID)-ratesync"
            open = { () async throws(StreamError) -> any StreamReader in
                let client = try await connection.connectedClient()
                return try await JetStreamStreamReader.open(client: client, stream: stream, consumer: consumer)
            }
        }
        return RateSyncService(openReader: open, apply: { await node.applyRateUpdate($0) }, logger: logger)
    }
}
