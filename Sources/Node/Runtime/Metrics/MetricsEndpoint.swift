public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SIPTransport
import Synchronization

/// The HTTP/1.1 endpoint that serves a ``NodeMetricsRegistry`` to Prometheus (`[metrics]`, docs/operations.md).
///
/// It runs on an event loop of its own, so a scrape never waits behind SIP traffic and never delays it. Bounded:
/// ``maxRequestBytes`` per request, ``maxConnections`` at once, connections idle for ``idleTimeout`` are closed.
public final class MetricsEndpoint: Sendable {
    /// Head and body of one request together; a scrape request is a few hundred bytes.
    public static let maxRequestBytes = 8192
    /// Connections open at once; more are closed as they are accepted.
    public static let maxConnections = 32
    /// A connection that sends nothing for this long is closed (scrapers reconnect).
    static let idleTimeout = TimeAmount.seconds(30)

    public let settings: MetricsSettings
    private let registry: NodeMetricsRegistry
    private let logger: Logger
    private let state = Mutex(State.idle)

    private enum State {
        case idle
        case starting
        case running(MultiThreadedEventLoopGroup, any Channel)
        case stopped
    }

    public init(settings: MetricsSettings, registry: NodeMetricsRegistry, logger: Logger) {
        self.settings = settings
        self.registry = registry
        self.logger = logger
    }

    /// Binds the socket and serves; returns the bound port (the configured one, or the kernel's pick for port 0).
    /// Throws ``NodeStartError`` with one line when the socket cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        let claimed = state.withLock { state in
            guard case .idle = state else { return false }
            state = .starting
            return true
        }
        guard claimed else { throw NodeStartError("metrics endpoint \(settings.listen): already started") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = settings.path
        let registry = self.registry
        let budget = ConnectionBudget(limit: Self.maxConnections)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            // A restart right after a stop must not fail on the old connections in TIME_WAIT; a socket that still
            // listens on the port makes the bind fail all the same.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard budget.acquire() else {
                    return channel.eventLoop.makeFailedFuture(MetricsEndpointRefusal.tooManyConnections)
                }
                channel.closeFuture.whenComplete { _ in budget.release() }
                return channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel: channel, path: path, registry: registry)
                }
            }
        do {
            let channel = try await bootstrap.withBoundSocket(
                // Bound close-on-exec (see `CloseOnExecSocket`): in the test suite, nats-server, sshd and sipp
                // children kept the port listening after `stop()`. SO_REUSEADDR: a restart right after a stop must
                // not fail on connections in TIME_WAIT.
                CloseOnExecSocket.bound(.stream, host: settings.listen.host, port: settings.listen.port, reuseAddress: true)
            ).get()
            let port = channel.localAddress?.port ?? settings.listen.port
            state.withLock { $0 = .running(group, channel) }
            logger.info("metrics endpoint listening", metadata: ["address": "\(HostAndPort(host: settings.listen.host, port: port))", "path": "\(path)"])
            return port
        } catch {
            try? await group.shutdownGracefully()
            state.withLock { $0 = .idle }
            throw NodeStartError("cannot listen on metrics tcp:\(settings.listen): \(Self.describe(error))")
        }
    }

    /// Closes the socket and every open connection. Safe to call when not started or already stopped.
    public func stop() async {
        let running = state.withLock { state -> (MultiThreadedEventLoopGroup, any Channel)? in
            guard case .running(let group, let channel) = state else { return nil }
            state = .stopped
            return (group, channel)
        }
        guard let (group, channel) = running else { return }
        try? await channel.close()
        // Shutting the loop down closes the connections still open on it.
        try? await group.shutdownGracefully()
    }

    // Limiter first (raw bytes), then NIO's HTTP/1.1 server handlers (decoder, encoder, pipelining, 400 on a
    // malformed request), the idle timer, and the handler that answers.
    private static func configure(channel: any Channel, path: String, registry: NodeMetricsRegistry) throws {
        let pipeline = channel.pipeline.syncOperations
        let limiter = RequestSizeLimiter(limit: maxRequestBytes)
        try pipeline.addHandler(limiter)
        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
        try pipeline.addHandler(IdleStateHandler(readTimeout: idleTimeout))
        try pipeline.addHandler(MetricsHTTPHandler(path: path, registry: registry, sizeLimiter: limiter))
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            return io.description
        }
        return "\(error)"
    }
}

/// Why the endpoint closed a connection as it was accepted.
enum MetricsEndpointRefusal: Error {
    case tooManyConnections
}
