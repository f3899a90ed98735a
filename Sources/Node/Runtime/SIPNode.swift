public import Logging
import NIOCore
import NIOPosix
public import Records
public import RecordStore
import SIPCore
import Synchronization
import SIPTransport
public import ServiceLifecycle

/// A running SIPswarm node: listeners, the SIP engine and the record sink, as a lifecycle `Service`.
///
/// `start()` binds every listener (so a port in use fails fast with one clear error), `run()`
/// serves until graceful shutdown is requested, then drains: new sessions get 503, calls in
/// setup may finish, established calls get BYE with release cause `drain`, and the sink is flushed.
public final class SIPNode: Service, Sendable {
    public let configuration: NodeConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let eventLoop: any EventLoop
    private let transport: SIPTransportLayer
    private let engineBox: NIOLoopBoundBox<NodeEngine?>
    private let logger: Logger

    /// `metrics` is the registry the `[metrics]` endpoint serves; nil serves the one the process was bootstrapped with
    /// (``NodeMetricsBootstrap``), or an empty one. Without `[metrics]` there is no endpoint.
    public init(
        configuration: NodeConfiguration, sink: any RecordSink,
        clock: any MicrosecondClock = SystemMicrosecondClock(), logger: Logger,
        metrics: NodeMetricsRegistry? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        metricsEndpoint = configuration.metrics.map { settings in
            MetricsEndpoint(settings: settings, registry: metrics ?? NodeMetricsBootstrap.processRegistry ?? NodeMetricsRegistry(), logger: logger)
        }
        // One SIP thread: the per-message path needs no locks; the record writer has its own thread.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        eventLoop = group.next()
        let limits = SIPParserLimits(
            maxMessageBytes: configuration.sip.maxMessageBytes,
            maxHeaderCount: configuration.sip.maxHeaders,
            maxLineBytes: configuration.sip.maxLineBytes
        )
        transport = SIPTransportLayer(eventLoop: eventLoop, limits: limits, logger: logger)
        // The engine is created on the event loop in `start()`; the box keeps it there.
        engineBox = NIOLoopBoundBox.makeEmptyBox(valueType: NodeEngine.self, eventLoop: eventLoop)
        self.sink = sink
        self.clock = clock
    }

    private let sink: any RecordSink
    private let clock: any MicrosecondClock
    private let metricsEndpoint: MetricsEndpoint?

    /// Resolves providers and binds every listener. Throws `NodeStartError` with one clear line.
    @discardableResult
    public func start() async throws -> [String] {
        var targets: [ProviderTarget] = []
        for provider in configuration.orderedProviders {
            let address: SocketAddress
            do {
                address = try SocketAddress.makeAddressResolvingHost(provider.host, port: provider.port)
            } catch {
                throw NodeStartError("provider \(provider.id): cannot resolve \(provider.host):\(provider.port)")
            }
            let kind: SIPTransportProtocol = provider.transport == .tcp ? .tcp : .udp
            targets.append(ProviderTarget(id: provider.id, host: provider.host, port: provider.port, destination: SIPDestination(transport: kind, address: address)))
        }
        // Bound before the SIP sockets, so that a port in use fails the start before any call is taken.
        try await metricsEndpoint?.start()
        var bound: [String] = []
        for listen in configuration.listen {
            do {
                let address: SocketAddress
                switch listen.transport {
                case .udp: address = try await transport.listenUDP(host: listen.host, port: listen.port).get()
                case .tcp: address = try await transport.listenTCP(host: listen.host, port: listen.port).get()
                }
                bound.append("\(listen.transport.rawValue):\(address.ipAddress ?? listen.host):\(address.port ?? listen.port)")
            } catch {
                _ = try? await transport.close().get()
                await metricsEndpoint?.stop()
                throw NodeStartError("cannot listen on \(listen.transport.rawValue):\(listen.host):\(listen.port): \(Self.describe(error))")
            }
        }
        let configuration = self.configuration
        let transport = self.transport
        let sink = self.sink
        let clock = self.clock
        let logger = self.logger
        let engineBox = self.engineBox
        let providerTargets = targets
        // The book lives on the event loop with the engine (it is not Sendable). Decks were validated when the
        // configuration was loaded; one that changed on disk since is refused here.
        do {
            try await eventLoop.submit {
                let rating: RatingBook
                do {
                    rating = try RatingBook(configuration: configuration, at: clock.nowMicroseconds())
                } catch {
                    throw NodeStartError("rating: \(error)")
                }
                let engine = NodeEngine(
                    configuration: configuration, transport: transport, sink: sink, clock: clock, providers: providerTargets, logger: logger,
                    rating: rating
                )
                engine.restrictionRetryAfter = configuration.restriction.retryAfter
                transport.delegate = engine
                engine.listenersBound()
                engine.startJournal()
                engineBox.value = engine
            }.get()
        } catch {
            _ = try? await transport.close().get()
            await metricsEndpoint?.stop()
            throw error
        }
        attachRestriction()
        logger.info("node listening", metadata: ["node": "\(configuration.nodeID)", "listen": "\(bound.joined(separator: ", "))"])
        return bound
    }

    /// CDR Restriction (DESIGN invariant 7): the sink tells the node when writes fail or recover; the change
    /// hops to the event loop, where the engine refuses new sessions and ends the active ones.
    private func attachRestriction() {
        guard let sink = sink as? JSONLinesRecordSink else { return }
        let eventLoop = self.eventLoop
        let engineBox = self.engineBox
        let logger = self.logger
        let settings = configuration.restriction
        sink.configureRestriction(
            RestrictionOptions(
                failures: settings.failures,
                probeSuccesses: settings.probeSuccesses,
                harvestInterval: configuration.records.harvestInterval,
                onRestrictionChange: { restricted in
                    eventLoop.execute { engineBox.value?.setRestricted(restricted) }
                },
                onLog: { critical, message in
                    if critical {
                        logger.critical("\(message)")
                    } else {
                        logger.notice("\(message)")
                    }
                }
            )
        )
    }

    /// Whether the node is in CDR Restriction now.
    public func isRestricted() async -> Bool {
        await onLoop { $0.restricted } ?? false
    }

    /// Serves until graceful shutdown, then drains and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        await drainAndStop()
    }

    /// Graceful stop: refuse new sessions, let setups finish, BYE the rest, flush records.
    public func drainAndStop() async {
        logger.info("draining", metadata: ["node": "\(configuration.nodeID)"])
        await onLoop { $0.beginDrain() }
        _ = try? await transport.stopAcceptingConnections().get()
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while ContinuousClock.now < deadline {
            let settling = await onLoop { engine in
                engine.activeSessions.values.contains { $0.phase == .routing || $0.phase == .answered }
            } ?? false
            if !settling { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await onLoop { $0.terminateRemainingSessions() }
        // Give BYE/CANCEL transactions a moment to be answered before the sockets close.
        let byeDeadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < byeDeadline, (await onLoop { $0.pendingClientTransactions } ?? 0) > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await onLoop { $0.stopJournal() }
        let final = await onLoop { $0.statistics } ?? NodeStatistics()
        finalStatistics.withLock { $0 = final }
        _ = try? await transport.close().get()
        // Pending retransmission and session timers would only act on closed sockets now; drop them
        // explicitly rather than relying on the loop's shutdown.
        await onLoop { $0.timerQueue.close() }
        // Last, so that the drain itself can be watched.
        await metricsEndpoint?.stop()
        sink.flush()
        try? await group.shutdownGracefully()
        logger.info("node stopped", metadata: ["node": "\(configuration.nodeID)"])
    }

    /// A snapshot of the engine's counters.
    public func statistics() async -> NodeStatistics {
        if let final = finalStatistics.withLock({ $0 }) { return final }
        return await onLoop { $0.statistics } ?? NodeStatistics()
    }

    // Kept after the event loop is gone, for the summary printed at exit.
    private let finalStatistics = Mutex<NodeStatistics?>(nil)

    /// Number of sessions in progress.
    public func activeSessionCount() async -> Int {
        await onLoop { $0.activeSessions.count } ?? 0
    }

    /// Puts a rate deck update in force on the SIP loop (rate sync): the deck is validated whole first; a refused one
    /// leaves the deck in force. Returns the new deck's version, or the reason it was refused.
    public func applyRateUpdate(_ update: RateDeckUpdate) async -> Result<String, RatingBookError> {
        let outcome = await onLoop { engine -> Result<String, RatingBookError> in
            guard let rating = engine.rating else {
                return .failure(RatingBookError(.invalidSettings, keyPath: "ratesync", reason: "the node has no rating book"))
            }
            do throws(RatingBookError) {
                return .success(try rating.apply(update))
            } catch {
                return .failure(error)
            }
        }
        return outcome ?? .failure(RatingBookError(.invalidSettings, keyPath: "ratesync", reason: "the node is not running"))
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (NodeEngine) -> T) async -> T? {
        let engineBox = self.engineBox
        return try? await eventLoop.submit { engineBox.value.map(body) }.get()
    }

    private func onLoop(_ body: @escaping @Sendable (NodeEngine) -> Void) async {
        let engineBox = self.engineBox
        _ = try? await eventLoop.submit { engineBox.value.map(body) }.get()
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            return io.description
        }
        return "\(error)"
    }
}

/// Why a node could not start; `description` is the one line the CLI prints.
public struct NodeStartError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
