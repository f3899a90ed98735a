public import Logging
public import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A NATS client: one connection at a time to one of several servers, reconnecting on loss.
///
/// All methods are safe from any task. Publishes made while reconnecting are buffered (bounded)
/// and sent after the subscriptions are restored. Close it with `close()` or `drain()`.
public final class NATSClient: Sendable {
    let options: NATSClientOptions
    let logger: Logger
    /// Every connection and timer of this client runs on this loop.
    let eventLoop: any EventLoop
    let core: Mutex<Core>
    /// Built when first needed; cached because building it reads the CA file.
    let tlsContext: Mutex<NIOSSLContext?>

    private init(
        servers: [NATSServerURL], options: NATSClientOptions, eventLoopGroup: any EventLoopGroup, logger: Logger
    ) {
        self.options = options
        self.logger = logger
        self.eventLoop = eventLoopGroup.next()
        var connectOptions = NATSConnectOptions(name: options.name, auth: options.auth)
        connectOptions.echo = options.echo
        let machine = NATSConnectionStateMachine(
            configuration: .init(
                servers: servers, connectOptions: connectOptions, reconnect: options.reconnect,
                pingInterval: options.pingInterval, maxPingsOutstanding: options.maxPingsOutstanding,
                reconnectBufferLimit: options.reconnectBufferLimit, handshakeTimeout: options.handshakeTimeout,
                requireTLS: options.tls.required, discoverServers: options.discoverServers,
                jitterSeed: UInt64.random(in: .min ... .max)))
        self.core = Mutex(
            Core(
                machine: machine, inbox: NATSInbox(), permits: NATSPermits(limit: options.maxInFlightRequests),
                maxPendingOutboundBytes: options.maxPendingOutboundBytes))
        self.tlsContext = Mutex(nil)
    }

    /// Connects to the first server of `urls` that completes the handshake (on NIO's shared
    /// event loop group unless one is given).
    ///
    /// Throws `NATSError` with `.authorizationViolation` when the credentials are refused,
    /// `.connectionFailed` when no server answers, `.invalidURL`, or `.tlsFailure`.
    public static func connect(
        urls: [String], options: NATSClientOptions = NATSClientOptions(),
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "sipswarm.nats")
    ) async throws(NATSError) -> NATSClient {
        var servers: [NATSServerURL] = []
        for url in urls { servers.append(try NATSServerURL(parsing: url)) }
        guard !servers.isEmpty else { throw NATSError(.invalidURL, reason: "no server URL given") }
        let client = NATSClient(
            servers: servers, options: options,
            eventLoopGroup: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton, logger: logger)
        if options.tls.required || options.tls.caFile != nil || servers.contains(where: \.tls) {
            // Fail fast on a bad CA file instead of on the first handshake.
            _ = try client.makeTLSContext()
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                client.locked { core in
                    core.connectWaiter = continuation
                    core.apply(core.machine.start())
                }
            }
        } catch let error as NATSError {
            throw error
        } catch {
            throw NATSError(.connectionFailed, reason: "\(error)")
        }
        return client
    }

    /// The INFO of the server in use (or last used).
    public var serverInfo: NATSServerInfo? { self.core.withLock { $0.serverInfo } }

    public var isConnected: Bool { self.core.withLock { $0.machine.isConnected } }

    // MARK: - Publish

    /// Publishes a message. Returns once it is queued for the socket (or buffered while reconnecting);
    /// waits while more than `maxPendingOutboundBytes` are not yet written.
    public func publish(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil, replyTo: String? = nil
    ) async throws {
        let encoded = try Self.encodePublish(subject, payload: payload, headers: headers, replyTo: replyTo)
        try self.checkPayloadSize(payload, headers: headers)
        let mustWait = try self.locked { core throws(NATSError) -> Bool in
            switch core.machine.publish(encoded) {
            case .write(let id):
                core.write(id, encoded: encoded)
                return core.unwrittenBytes > core.maxPendingOutboundBytes
            case .buffered:
                return false
            case .fail(let error):
                throw error
            }
        }
        if mustWait { try await self.waitForOutboundSpace() }
    }

    static func encodePublish(
        _ subject: String, payload: ByteBuffer, headers: NATSHeaders?, replyTo: String?
    ) throws(NATSProtocolError) -> ByteBuffer {
        var encoded = ByteBuffer()
        if let headers {
            try NATSClientCommand.hpub(subject: subject, replyTo: replyTo, headers: headers, payload: payload)
                .encode(into: &encoded)
        } else {
            try NATSClientCommand.pub(subject: subject, replyTo: replyTo, payload: payload).encode(into: &encoded)
        }
        return encoded
    }

    private func checkPayloadSize(_ payload: ByteBuffer, headers: NATSHeaders?) throws(NATSProtocolError) {
        guard let maxPayload = self.serverInfo?.maxPayload, maxPayload > 0 else { return }
        // Headers count towards max_payload; the payload alone is checked here, the server checks the sum.
        guard payload.readableBytes <= maxPayload else {
            throw NATSProtocolError(.payloadTooLarge, reason: "payload \(payload.readableBytes) exceeds max_payload \(maxPayload)")
        }
    }

    // MARK: - Subscribe

    /// Subscribes to `subject` (wildcards allowed), optionally in a queue group.
    public func subscribe(to subject: String, queue: String? = nil) throws -> NATSSubscription {
        var probe = ByteBuffer()
        try NATSClientCommand.sub(subject: subject, queueGroup: queue, sid: 0).encode(into: &probe)
        let (stream, continuation) = AsyncStream.makeStream(
            of: NATSMessage.self, bufferingPolicy: .bufferingOldest(self.options.subscriptionBufferLimit))
        let sid = try self.locked { core throws(NATSError) -> UInt64 in
            let sid = core.nextSID
            core.nextSID += 1
            switch core.machine.subscribe(sid: sid, subject: subject, queue: queue) {
            case .send(let id, let commands):
                core.write(id, commands)
            case .nothing:
                break
            case .fail(let error):
                throw error
            }
            core.subscriptions[sid] = continuation
            return sid
        }
        // A reader that stops iterating (or is cancelled) ends the subscription on the server too.
        continuation.onTermination = { [weak self] _ in self?.unsubscribeNow(sid: sid) }
        return NATSSubscription(sid: sid, subject: subject, stream: stream, client: self)
    }

    /// Unsubscribes now, or after `max` deliveries in total on this subscription.
    func unsubscribe(sid: UInt64, max: Int?) {
        self.locked { core in
            switch core.machine.unsubscribe(sid: sid, max: max) {
            case .send(let id, let commands): core.write(id, commands)
            case .nothing, .fail: break
            }
            if max == nil, let continuation = core.subscriptions.removeValue(forKey: sid) {
                core.pendingEffects.append(.finish(continuation))
            }
        }
    }

    private func unsubscribeNow(sid: UInt64) {
        self.unsubscribe(sid: sid, max: nil)
    }

    // MARK: - Flush, drain, close

    /// Waits until the server has processed everything sent before (a PING/PONG round trip).
    public func flush(timeout: Duration? = nil) async throws {
        let timeout = timeout ?? self.options.requestTimeout
        let id = self.locked { core -> UInt64 in
            defer { core.nextWaiterID += 1 }
            return core.nextWaiterID
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.locked { core in
                switch core.machine.flush(id) {
                case .send(let connection, let commands):
                    core.flushWaiters[id] = continuation
                    core.write(connection, commands)
                case .nothing:
                    core.pendingEffects.append(.resume(continuation, .success(())))
                case .fail(let error):
                    core.pendingEffects.append(.resume(continuation, .failure(error)))
                }
            }
                self.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [weak self] in
                self?.expireFlush(id, after: timeout)
            }
        }
    }

    private func expireFlush(_ id: UInt64, after timeout: Duration) {
        let waiter = self.core.withLock { $0.flushWaiters.removeValue(forKey: id) }
        waiter?.resume(throwing: NATSError(.timeout, reason: "no PONG within \(timeout)"))
    }

    /// Unsubscribes everything, waits for the server to process what was sent, ends the
    /// subscriptions' sequences after their last messages, and closes.
    public func drain(timeout: Duration? = nil) async {
        self.locked { core in
            for sid in core.subscriptions.keys.sorted() {
                switch core.machine.unsubscribe(sid: sid, max: nil) {
                case .send(let id, let commands): core.write(id, commands)
                case .nothing, .fail: break
                }
            }
        }
        do {
            try await self.flush(timeout: timeout)
        } catch {
            self.logger.warning("NATS drain: flush failed, closing anyway: \(error)")
        }
        await self.close()
    }

    /// Closes the connection: pending requests fail, subscriptions end, buffered publishes are dropped.
    public func close() async {
        let channel = self.locked { core -> (any Channel)? in
            let channel = core.channel?.channel
            core.apply(core.machine.close())
            return channel
        }
        try? await channel?.closeFuture.get()
    }
}
