import NIOCore

/// The life of one client connection as a plain value: events in, actions out, no I/O and no clock.
///
/// It owns what must survive a reconnect (the server pool, the subscriptions to send again, the
/// publishes buffered while no server is reachable) and decides every transition:
/// TCP up → INFO → (TLS) → CONNECT + PING → PONG → connected → lost → backoff → next server.
/// Timers are actions; the driver fires them back as events, so tests drive time.
///
/// Every channel-related event carries the `ConnectionID` of the channel that raised it; events of
/// an older channel (a late close, a timer of a previous connection) are ignored.
struct NATSConnectionStateMachine: Sendable {
    typealias ConnectionID = UInt64

    struct Configuration: Sendable {
        var servers: [NATSServerURL]
        var connectOptions: NATSConnectOptions
        var reconnect: NATSReconnectPolicy
        var pingInterval: Duration
        var maxPingsOutstanding: Int
        /// Bytes of encoded publishes kept while reconnecting.
        var reconnectBufferLimit: Int
        /// From TCP connect to PONG; a server that accepts but never answers is given up.
        var handshakeTimeout: Duration
        /// TLS even for `nats://` URLs.
        var requireTLS: Bool
        /// Add INFO `connect_urls` to the pool.
        var discoverServers: Bool
        var jitterSeed: UInt64
    }

    enum Timer: Sendable, Hashable {
        case handshake(ConnectionID)
        case ping(ConnectionID)
        /// Carries the id the next connection will get.
        case reconnect(ConnectionID)
    }

    enum Action: Sendable, Hashable {
        /// Open a TCP connection (the driver adds TLS later if `upgradeTLS` comes).
        case openConnection(ConnectionID, NATSServerURL)
        /// Put a TLS client handler in front of the decoder, then report `tlsEstablished`.
        case upgradeTLS(ConnectionID, host: String)
        case send(ConnectionID, [NATSClientCommand])
        /// The handshake is done: send the subscriptions and the buffered publishes, in this order, and
        /// resume whoever waits for the connection.
        case established(
            ConnectionID, NATSServerInfo, resend: [NATSClientCommand], buffered: [ByteBuffer], isReconnect: Bool)
        case closeConnection(ConnectionID)
        case scheduleTimer(Timer, after: Duration)
        case succeedFlush(UInt64)
        case failFlushes([UInt64], NATSError)
        /// A working connection was lost; reconnecting starts (sent once per outage).
        case disconnected(NATSError)
        /// The first connect failed on every configured server.
        case failConnect(NATSError)
        /// The connection is closed for good: by `close()` (`nil`) or by giving up.
        case closed(NATSError?)
        /// A non-fatal `-ERR` (permissions violation, invalid subject): the connection stays.
        case reportServerError(String)
    }

    /// What to do with one publish.
    enum PublishAction: Sendable, Hashable {
        case write(ConnectionID)
        /// Kept for the next connection.
        case buffered
        case fail(NATSError)
    }

    /// What to do with SUB, UNSUB and flush.
    enum CommandAction: Sendable, Hashable {
        case send(ConnectionID, [NATSClientCommand])
        /// Nothing to send now (not connected; the subscription table will be sent on connect).
        case nothing
        case fail(NATSError)
    }

    /// What to do with one delivered MSG/HMSG.
    enum DeliveryAction: Sendable, Hashable {
        case deliver
        /// Deliver it; it was the last one of an auto-unsubscribe.
        case deliverLast
        /// Unknown sid (unsubscribed meanwhile).
        case drop
    }

    /// Why a PONG is awaited; PONGs come back in the order of our PINGs.
    enum PongPurpose: Sendable, Hashable {
        case handshake
        case keepAlive
        case flush(UInt64)
    }

    struct Subscription: Sendable, Hashable {
        var subject: String
        var queue: String?
        /// Auto-unsubscribe after this many deliveries in total.
        var max: Int?
        var delivered = 0
        /// Since the SUB on the current connection: what the server counts for UNSUB max.
        var deliveredOnConnection = 0
    }

    private enum State: Sendable {
        case idle
        case connecting(ConnectionID)
        case awaitingInfo(ConnectionID)
        case upgradingTLS(ConnectionID, NATSServerInfo)
        case awaitingPong(ConnectionID, NATSServerInfo)
        case connected(ConnectionID, NATSServerInfo)
        /// We closed the channel for `NATSError`; its inactive event continues the story.
        case disconnecting(ConnectionID, NATSError)
        /// Backoff: the `reconnect` timer with this id opens the next connection.
        case waitingToReconnect(ConnectionID)
        case closed
    }

    private let configuration: Configuration
    private var state: State = .idle
    private(set) var pool: NATSServerPool
    private var rng: SplitMix64
    private var nextID: ConnectionID = 1
    private var everConnected = false
    /// A working connection was lost and no new one is established yet.
    private var inOutage = false
    private var initialAttempts = 0
    private var reconnectAttempts = 0
    /// What a failed first connect reports: an authorization violation wins over later refusals.
    private var initialError: NATSError?
    private var pingsOutstanding = 0
    private var pendingPongs: [PongPurpose] = []
    private(set) var subscriptions: [UInt64: Subscription] = [:]
    private var buffered: [ByteBuffer] = []
    private(set) var bufferedBytes = 0

    init(configuration: Configuration) {
        precondition(!configuration.servers.isEmpty, "a NATS connection needs at least one server URL")
        self.configuration = configuration
        self.pool = NATSServerPool(configuration.servers)
        self.rng = SplitMix64(seed: configuration.jitterSeed)
    }

    // MARK: - Queries

    var isConnected: Bool {
        switch self.state {
        case .connected: return true
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .disconnecting, .waitingToReconnect,
            .closed:
            return false
        }
    }

    var isClosed: Bool {
        switch self.state {
        case .closed: return true
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
            .waitingToReconnect:
            return false
        }
    }

    /// The id of the channel in use, if there is one.
    var currentConnectionID: ConnectionID? {
        switch self.state {
        case .connecting(let id), .awaitingInfo(let id), .upgradingTLS(let id, _), .awaitingPong(let id, _),
            .connected(let id, _), .disconnecting(let id, _):
            return id
        case .idle, .waitingToReconnect, .closed:
            return nil
        }
    }

    // MARK: - Lifecycle events

    mutating func start() -> [Action] {
        switch self.state {
        case .idle:
            return self.open(self.pool.currentURL)
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
            .waitingToReconnect, .closed:
            preconditionFailure("NATSConnectionStateMachine.start() called twice")
        }
    }

    mutating func channelActive(_ id: ConnectionID) -> [Action] {
        switch self.state {
        case .connecting(let current) where current == id:
            self.state = .awaitingInfo(id)
            return []
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
            .waitingToReconnect, .closed:
            return []
        }
    }

    /// The TCP connect failed, or the channel went inactive.
    mutating func connectionLost(_ id: ConnectionID, error: NATSError) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        switch self.state {
        case .disconnecting(_, let cause):
            return self.lost(cause)
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected:
            return self.lost(error)
        case .idle, .waitingToReconnect, .closed:
            return []
        }
    }

    mutating func timerFired(_ timer: Timer) -> [Action] {
        switch timer {
        case .reconnect(let id):
            switch self.state {
            case .waitingToReconnect(let expected) where expected == id:
                return self.open(self.pool.currentURL)
            case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
                .waitingToReconnect, .closed:
                return []
            }

        case .handshake(let id):
            switch self.state {
            case .connecting(let current), .awaitingInfo(let current), .upgradingTLS(let current, _),
                .awaitingPong(let current, _):
                guard current == id else { return [] }
                return self.disconnect(
                    id,
                    NATSError(
                        .connectionFailed,
                        reason: "no handshake with \(self.pool.currentURL) within \(self.configuration.handshakeTimeout)"))
            case .idle, .connected, .disconnecting, .waitingToReconnect, .closed:
                return []
            }

        case .ping(let id):
            switch self.state {
            case .connected(let current, _) where current == id:
                if self.pingsOutstanding >= self.configuration.maxPingsOutstanding {
                    return self.disconnect(
                        id,
                        NATSError(
                            .staleConnection,
                            reason: "\(self.pingsOutstanding) PINGs to \(self.pool.currentURL) without a PONG"))
                }
                self.pingsOutstanding += 1
                self.pendingPongs.append(.keepAlive)
                return [.send(id, [.ping]), .scheduleTimer(.ping(id), after: self.configuration.pingInterval)]
            case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
                .waitingToReconnect, .closed:
                return []
            }
        }
    }

    mutating func close() -> [Action] {
        var actions: [Action] = []
        switch self.state {
        case .closed:
            return []
        case .idle, .waitingToReconnect:
            break
        case .connecting(let id), .awaitingInfo(let id), .upgradingTLS(let id, _), .awaitingPong(let id, _),
            .connected(let id, _), .disconnecting(let id, _):
            actions.append(.closeConnection(id))
        }
        if !self.everConnected {
            actions.append(.failConnect(NATSError(.connectionClosed, reason: "closed before the first connect")))
        }
        actions += self.shutDown(nil)
        return actions
    }

    // MARK: - Server operations

    mutating func infoReceived(_ id: ConnectionID, _ info: NATSServerInfo) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        if self.configuration.discoverServers { self.pool.discover(info.connectURLs) }
        switch self.state {
        case .connecting, .awaitingInfo:
            let url = self.pool.currentURL
            if url.tls || self.configuration.requireTLS || info.tlsRequired {
                self.state = .upgradingTLS(id, info)
                return [.upgradeTLS(id, host: url.host)]
            }
            self.state = .awaitingPong(id, info)
            return self.sendConnect(id, info, tls: false)
        case .upgradingTLS:
            self.state = .upgradingTLS(id, info)
            return []
        case .awaitingPong:
            self.state = .awaitingPong(id, info)
            return []
        case .connected:
            // Asynchronous INFO (cluster changes, lame duck): the pool is updated above.
            self.state = .connected(id, info)
            return []
        case .idle, .disconnecting, .waitingToReconnect, .closed:
            return []
        }
    }

    mutating func tlsEstablished(_ id: ConnectionID) -> [Action] {
        switch self.state {
        case .upgradingTLS(let current, let info) where current == id:
            self.state = .awaitingPong(id, info)
            return self.sendConnect(id, info, tls: true)
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected, .disconnecting,
            .waitingToReconnect, .closed:
            return []
        }
    }

    mutating func pingReceived(_ id: ConnectionID) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        switch self.state {
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected:
            return [.send(id, [.pong])]
        case .idle, .disconnecting, .waitingToReconnect, .closed:
            return []
        }
    }

    mutating func pongReceived(_ id: ConnectionID) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        // Any PONG proves the server alive. One we never asked for is tolerated, not fatal.
        self.pingsOutstanding = 0
        let purpose = self.pendingPongs.isEmpty ? nil : self.pendingPongs.removeFirst()
        switch self.state {
        case .awaitingPong(_, let info):
            guard purpose == .handshake else { return [] }
            return self.establish(id, info)
        case .connected:
            switch purpose {
            case .flush(let flushID): return [.succeedFlush(flushID)]
            case .keepAlive, .handshake, nil: return []
            }
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .disconnecting, .waitingToReconnect, .closed:
            return []
        }
    }

    mutating func serverError(_ id: ConnectionID, _ text: String) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        switch self.state {
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected:
            let lowered = text.lowercased()
            if lowered.contains("authorization violation") || lowered.contains("authentication") {
                self.pool.markCurrentAuthFailed()
                return self.disconnect(
                    id,
                    NATSError(.authorizationViolation, reason: "\(self.pool.currentURL) refused the credentials: \(text)"))
            }
            if NATSServerMessage.isFatalError(text) {
                let code: NATSError.Code = lowered.contains("stale connection") ? .staleConnection : .serverError
                return self.disconnect(id, NATSError(code, reason: "\(self.pool.currentURL) closes: \(text)"))
            }
            return [.reportServerError(text)]
        case .idle, .disconnecting, .waitingToReconnect, .closed:
            return []
        }
    }

    /// Closes connection `id` for `error`: garbage from the server, a TLS failure.
    mutating func fail(_ id: ConnectionID, _ error: NATSError) -> [Action] {
        guard self.currentConnectionID == id else { return [] }
        switch self.state {
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected:
            return self.disconnect(id, error)
        case .idle, .disconnecting, .waitingToReconnect, .closed:
            return []
        }
    }

    // MARK: - Client operations

    /// One encoded PUB/HPUB: write it now, keep it for the next connection, or refuse it.
    mutating func publish(_ encoded: ByteBuffer) -> PublishAction {
        switch self.state {
        case .connected(let id, _):
            return .write(id)
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .disconnecting, .waitingToReconnect:
            guard self.bufferedBytes + encoded.readableBytes <= self.configuration.reconnectBufferLimit else {
                return .fail(
                    NATSError(
                        .reconnectBufferFull,
                        reason: "reconnect buffer holds \(self.bufferedBytes) of \(self.configuration.reconnectBufferLimit) bytes"))
            }
            self.buffered.append(encoded)
            self.bufferedBytes += encoded.readableBytes
            return .buffered
        case .idle, .closed:
            return .fail(NATSError(.connectionClosed, reason: "the connection is closed"))
        }
    }

    mutating func subscribe(sid: UInt64, subject: String, queue: String?) -> CommandAction {
        switch self.state {
        case .idle, .closed:
            return .fail(NATSError(.connectionClosed, reason: "the connection is closed"))
        case .connected(let id, _):
            self.subscriptions[sid] = Subscription(subject: subject, queue: queue)
            return .send(id, [.sub(subject: subject, queueGroup: queue, sid: sid)])
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .disconnecting, .waitingToReconnect:
            self.subscriptions[sid] = Subscription(subject: subject, queue: queue)
            return .nothing
        }
    }

    /// Unsubscribe now (`max == nil`) or after `max` deliveries in total.
    mutating func unsubscribe(sid: UInt64, max: Int?) -> CommandAction {
        guard var subscription = self.subscriptions[sid] else { return .nothing }
        let command: NATSClientCommand
        if let max, max > subscription.delivered {
            subscription.max = max
            self.subscriptions[sid] = subscription
            // The server counts deliveries since this connection's SUB.
            command = .unsub(sid: sid, max: max - subscription.delivered + subscription.deliveredOnConnection)
        } else {
            self.subscriptions[sid] = nil
            command = .unsub(sid: sid, max: nil)
        }
        switch self.state {
        case .connected(let id, _):
            return .send(id, [command])
        case .idle, .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .disconnecting, .waitingToReconnect,
            .closed:
            return .nothing
        }
    }

    mutating func messageDelivered(sid: UInt64) -> DeliveryAction {
        guard var subscription = self.subscriptions[sid] else { return .drop }
        subscription.delivered += 1
        subscription.deliveredOnConnection += 1
        if let max = subscription.max, subscription.delivered >= max {
            self.subscriptions[sid] = nil
            return .deliverLast
        }
        self.subscriptions[sid] = subscription
        return .deliver
    }

    /// A PING whose PONG proves that everything written before it reached the server.
    mutating func flush(_ flushID: UInt64) -> CommandAction {
        switch self.state {
        case .connected(let id, _):
            self.pendingPongs.append(.flush(flushID))
            return .send(id, [.ping])
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .disconnecting, .waitingToReconnect:
            return .fail(NATSError(.disconnected, reason: "not connected; flush needs a live server"))
        case .idle, .closed:
            return .fail(NATSError(.connectionClosed, reason: "the connection is closed"))
        }
    }

    // MARK: - Transitions

    private mutating func open(_ url: NATSServerURL) -> [Action] {
        let id = self.nextID
        self.nextID += 1
        self.state = .connecting(id)
        self.pingsOutstanding = 0
        self.pendingPongs = []
        return [.openConnection(id, url), .scheduleTimer(.handshake(id), after: self.configuration.handshakeTimeout)]
    }

    private mutating func sendConnect(_ id: ConnectionID, _ info: NATSServerInfo, tls: Bool) -> [Action] {
        var options = self.configuration.connectOptions
        if let auth = self.pool.currentURL.auth { options.auth = auth }
        // Credentials go only to a server that asks for them.
        if !info.authRequired { options.auth = .none }
        options.tlsRequired = tls
        self.pendingPongs = [.handshake]
        return [.send(id, [.connect(options), .ping])]
    }

    private mutating func establish(_ id: ConnectionID, _ info: NATSServerInfo) -> [Action] {
        self.state = .connected(id, info)
        let isReconnect = self.everConnected
        self.everConnected = true
        self.inOutage = false
        self.reconnectAttempts = 0
        var resend: [NATSClientCommand] = []
        for sid in self.subscriptions.keys.sorted() {
            guard var subscription = self.subscriptions[sid] else { continue }
            subscription.deliveredOnConnection = 0
            self.subscriptions[sid] = subscription
            resend.append(.sub(subject: subscription.subject, queueGroup: subscription.queue, sid: sid))
            if let max = subscription.max {
                resend.append(.unsub(sid: sid, max: max - subscription.delivered))
            }
        }
        let buffered = self.buffered
        self.buffered = []
        self.bufferedBytes = 0
        return [
            .established(id, info, resend: resend, buffered: buffered, isReconnect: isReconnect),
            .scheduleTimer(.ping(id), after: self.configuration.pingInterval),
        ]
    }

    /// We close the channel ourselves; the reconnect starts when it reports inactive.
    private mutating func disconnect(_ id: ConnectionID, _ error: NATSError) -> [Action] {
        self.state = .disconnecting(id, error)
        return [.closeConnection(id)]
    }

    private mutating func lost(_ cause: NATSError) -> [Action] {
        var actions = self.failPendingFlushes(cause)
        if !self.everConnected {
            self.initialAttempts += 1
            if self.initialError?.code != .authorizationViolation { self.initialError = cause }
            guard self.initialAttempts < self.pool.configuredCount, let next = self.pool.advance() else {
                let error = self.initialError ?? cause
                actions.append(.failConnect(error))
                return actions + self.shutDown(error)
            }
            return actions + self.open(next)
        }
        if !self.inOutage {
            self.inOutage = true
            actions.append(.disconnected(cause))
        }
        self.reconnectAttempts += 1
        if let max = self.configuration.reconnect.maxAttempts, self.reconnectAttempts > max {
            return actions
                + self.shutDown(
                    NATSError(.connectionClosed, reason: "gave up after \(max) reconnect attempts; last: \(cause.code)"))
        }
        guard self.pool.advance() != nil else {
            return actions
                + self.shutDown(NATSError(.authorizationViolation, reason: "every server refused the credentials"))
        }
        let delay = self.configuration.reconnect.delay(attempt: self.reconnectAttempts, unit: self.rng.nextUnit())
        let id = self.nextID
        self.state = .waitingToReconnect(id)
        actions.append(.scheduleTimer(.reconnect(id), after: delay))
        return actions
    }

    private mutating func failPendingFlushes(_ error: NATSError) -> [Action] {
        let flushes = self.pendingPongs.compactMap { purpose -> UInt64? in
            switch purpose {
            case .flush(let id): return id
            case .handshake, .keepAlive: return nil
            }
        }
        self.pendingPongs = []
        self.pingsOutstanding = 0
        return flushes.isEmpty ? [] : [.failFlushes(flushes, error)]
    }

    private mutating func shutDown(_ error: NATSError?) -> [Action] {
        var actions = self.failPendingFlushes(error ?? NATSError(.connectionClosed, reason: "the connection is closed"))
        self.state = .closed
        self.buffered = []
        self.bufferedBytes = 0
        self.subscriptions = [:]
        actions.append(.closed(error))
        return actions
    }
}
