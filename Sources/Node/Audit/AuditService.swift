public import Logging
public import Metrics
public import NIOCore
import Foundation
import Ledger
import NIOPosix
public import Records
import SIPCore
import SIPTransaction
import SIPTransport
public import ServiceLifecycle

/// Peer audit of one node (docs/audit.md), as one lifecycle service: the admin SIP plane, the witness of every
/// peer's checkpoints, one checkpoint publisher per peer and the silence monitor.
///
/// `start()` binds the admin plane (so `serve` fails at once on a taken port); `run()` serves until graceful
/// shutdown, then closes the plane.
public final class AuditService: Service, Sendable {
    private let settings: AuditSettings
    private let group: MultiThreadedEventLoopGroup
    private let plane: AdminSIPPlane
    private let witness: PeerWitness
    private let handler: AdminRequestHandler
    private let publishers: [CheckpointPublisher]
    private let alertRequests: AlertRequestFolder
    private let logger: Logger

    /// The audit of the node `configuration` describes; audit records go to `records` (the node's sink).
    public init(
        configuration: NodeConfiguration,
        settings: AuditSettings,
        records: any AuditRecordEmitting,
        logger: Logger,
        metrics: (any MetricsFactory)? = nil,
        clock: any MicrosecondClock = SystemMicrosecondClock()
    ) throws {
        self.settings = settings
        self.logger = logger
        self.alertRequests = AlertRequestFolder(dataDirectory: configuration.dataDirectory)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sip = configuration.sip
        let plane = AdminSIPPlane(eventLoop: group.next(), nodeID: configuration.nodeID, sip: sip, logger: logger)
        self.plane = plane
        let directory = PeerDirectory(peers: settings.peers)
        self.witness = PeerWitness(
            directory: directory,
            store: WitnessStore(dataDirectory: configuration.dataDirectory),
            records: records,
            alerter: AuditAlerter(records: records, logger: logger, metrics: metrics, clock: clock),
            silenceThreshold: settings.silenceThreshold,
            clock: clock,
            logger: logger
        )
        let expires = Self.expiresSeconds(settings.publishInterval)
        self.handler = AdminRequestHandler(
            directory: directory, witness: witness, eventPackage: settings.eventPackage, expires: expires, userAgent: sip.userAgent,
            dataDirectory: configuration.dataDirectory, logger: logger
        )
        let ledger = OwnLedger(dataDirectory: configuration.dataDirectory)
        do {
            self.publishers = try settings.peers.map { peer in
                try CheckpointPublisher(
                    peer: peer, nodeID: configuration.nodeID, plane: plane, ledger: ledger, eventPackage: settings.eventPackage,
                    expires: expires, userAgent: sip.userAgent, logger: logger
                )
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Binds every `[audit] listen` socket; returns the bound addresses in order.
    @discardableResult
    public func start() async throws -> [SocketAddress] {
        var bound: [SocketAddress] = []
        for address in settings.listen {
            bound.append(try await plane.bind(transport: address.transport == .tcp ? .tcp : .udp, host: address.host, port: address.port))
        }
        logger.info(
            "audit plane listening",
            metadata: ["listen": "\(bound.map { "\($0)" })", "peers": "\(settings.peers.map(\.id))", "event": "\(settings.eventPackage)"]
        )
        return bound
    }

    /// The witness, for commands that raise alerts found elsewhere (reconcile).
    public var peerWitness: PeerWitness { witness }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { tasks in
                tasks.addTask { await self.serveRequests() }
                for publisher in self.publishers {
                    tasks.addTask { await publisher.run(interval: self.settings.publishInterval) }
                }
                tasks.addTask { await self.watchSilence() }
            }
        }
        await plane.close()
        try? await group.shutdownGracefully()
        logger.info("audit plane closed")
    }

    /// Closes the plane without running (a start that failed after `start()`).
    public func shutdown() async {
        await plane.close()
        try? await group.shutdownGracefully()
    }

    private func serveRequests() async {
        // An AsyncStream ends its iteration when the consuming task is cancelled (graceful shutdown).
        for await inbound in plane.requests {
            let response = await handler.respond(to: inbound)
            plane.respond(response, to: inbound.transaction)
        }
    }

    private func watchSilence() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: settings.publishInterval)
            } catch {
                return
            }
            await witness.checkSilence()
            await recordRequestedAlerts()
        }
    }

    // Alerts a command found (`audit reconcile`) become this node's records; each request file is removed after.
    private func recordRequestedAlerts() async {
        for (file, request) in alertRequests.pending() {
            switch request {
            case .success(let (alert, document)):
                await witness.raise(alert, evidence: document)
            case .failure(let error):
                logger.error("alert request unreadable; removed", metadata: ["file": "\(file)", "error": "\(error)"])
            }
            if unlink(file) != 0 {
                logger.error("alert request could not be removed", metadata: ["file": "\(file)"])
            }
        }
    }

    // RFC 3903 Expires of a publication: three intervals, whole seconds, at least one.
    static func expiresSeconds(_ interval: Duration) -> Int {
        let (seconds, attoseconds) = (interval * 3).components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

extension AuditService {
    /// The audit of `configuration`, its admin plane bound; nil when the configuration has no `[audit]` or `[[peers]]`.
    public static func startIfConfigured(
        configuration: NodeConfiguration,
        records: any AuditRecordEmitting,
        logger: Logger,
        metrics: (any MetricsFactory)? = nil
    ) async throws -> AuditService? {
        guard let settings = configuration.audit else { return nil }
        let service = try AuditService(configuration: configuration, settings: settings, records: records, logger: logger, metrics: metrics)
        do {
            try await service.start()
        } catch {
            await service.shutdown()
            throw error
        }
        return service
    }
}
