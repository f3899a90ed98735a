import Logging
import MQAL
import NATS
import Node
import RecordStore
import ServiceLifecycle

extension StreamPublishers {
    /// One publisher per chain whose `[streams.<kind>]` backend is not `none`, attached to `sink`'s durability
    /// reports. `jetstream` streams share one NATS connection, made on first use (a broker that is down at
    /// start only delays publishing).
    static func make(configuration: NodeConfiguration, sink: JSONLinesRecordSink, logger: Logger) -> StreamPublishers {
        let settings = configuration.streams
        let chains = sink.durableSequences
        var connection: NATSConnection?
        var publishers: [StreamPublisher] = []
        // `ratesync` is consumed (RateSyncService), not published from a chain.
        for kind in StreamSettings.kinds where kind != "ratesync" {
            let selection = settings.selection(for: kind)
            let backend: any StreamBackend
            switch selection.backend {
            case .none:
                continue
            case .local:
                backend = LocalBackend(dataDirectory: configuration.dataDirectory, kind: kind, logger: logger)
            case .jetstream:
                let shared = connection ?? NATSConnection(options: Self.connectionOptions(settings.nats, nodeID: configuration.nodeID), logger: logger)
                connection = shared
                backend = JetStreamBackend(
                    options: JetStreamBackend.Options(
                        stream: selection.stream,
                        subject: selection.subject(nodeID: configuration.nodeID),
                        streamSubjects: [selection.streamSubject],
                        duplicateWindow: settings.nats.duplicateWindow,
                        publishTimeout: settings.nats.publishTimeout,
                        maxInFlight: settings.nats.maxInFlight
                    ),
                    connection: shared,
                    logger: logger
                )
            }
            // `bidlog` is configurable before this version writes that chain; nothing to publish yet.
            guard chains[kind] != nil else {
                logger.info("stream selected for a chain this version does not write; not started", metadata: ["stream": "\(kind)"])
                continue
            }
            publishers.append(
                StreamPublisher(
                    kind: kind,
                    dataDirectory: configuration.dataDirectory,
                    backend: backend,
                    options: PublisherOptions(readAhead: max(1024, 4 * settings.nats.maxInFlight)),
                    logger: logger,
                    durableSequence: { sink.durableSequences[kind] ?? 0 }
                )
            )
        }
        let group = StreamPublishers(publishers)
        group.attach(to: sink)
        return group
    }

    static func connectionOptions(_ nats: NATSSettings, nodeID: String) -> NATSConnection.Options {
        let auth: NATSAuth
        if let user = nats.user, let password = nats.password {
            auth = .userPassword(user: user, password: password)
        } else if let token = nats.token {
            auth = .token(token)
        } else {
            auth = .none
        }
        return NATSConnection.Options(urls: nats.urls, auth: auth, tlsCAFile: nats.tlsCAFile, name: "sipswarm-\(nodeID)")
    }
}

/// Closes the record sink at graceful shutdown. It sits between the publishers and the node in the
/// `ServiceGroup` (shut down in reverse order): the node drains its calls first, then this writes the last
/// records and the final checkpoint, then the publishers stream what that made durable.
struct RecordSinkCloser: Service {
    let sink: JSONLinesRecordSink

    func run() async throws {
        try? await gracefulShutdown()
        sink.close()
    }
}
