import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

extension NATSClient {
    /// Runs `body` under the lock, then performs the effects it queued, outside the lock and in order.
    @discardableResult
    func locked<Result: Sendable, Failure: Error>(
        _ body: (inout Core) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { self.performPending() }
        return try self.core.withLock { (core: inout Core) throws(Failure) -> Result in try body(&core) }
    }

    func performPending() {
        while true {
            let effects = self.core.withLock { core -> [Effect] in
                defer { core.pendingEffects = [] }
                return core.pendingEffects
            }
            if effects.isEmpty { return }
            for effect in effects { self.perform(effect) }
        }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .open(let id, let url):
            self.open(id, url)
        case .upgradeTLS(let channel, let id, let host):
            self.upgradeTLS(channel, id, host: host)
        case .scheduleWrite(let channel, let id):
            channel.eventLoop.execute { self.writeOutbound(id) }
        case .close(let channel):
            channel.close(promise: nil)
        case .schedule(let timer, let after):
            // Weak: a 2-minute ping timer must not keep a closed client alive.
            self.eventLoop.scheduleTask(in: TimeAmount(after)) { [weak self] in self?.timerFired(timer) }
        case .resume(let continuation, let result):
            continuation.resume(with: result)
        case .resumeReply(let continuation, let result):
            continuation.resume(with: result)
        case .yield(let continuation, let message, let subject):
            if case .dropped = continuation.yield(message) {
                self.logger.warning("NATS slow consumer: a message on \(subject) was dropped (buffer full)")
            }
        case .finish(let continuation):
            continuation.finish()
        case .log(let level, let message):
            self.logger.log(level: level, "\(message)")
        }
    }

    // MARK: - Connections

    private func open(_ id: Machine.ConnectionID, _ url: NATSServerURL) {
        ClientBootstrap(group: self.eventLoop)
            .connectTimeout(TimeAmount(self.options.connectTimeout))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(ByteToMessageHandler(NATSProtocolDecoder()))
                    try sync.addHandler(NATSChannelHandler(client: self, connectionID: id))
                }
            }
            .connect(host: url.host, port: url.port)
            .whenFailure { [weak self] error in
                self?.connectionLost(id, NATSError(.connectionFailed, reason: "cannot connect to \(url): \(error)"))
            }
    }

    /// Puts TLS in front of the decoder. NIOSSL holds our writes until its handshake is done, so
    /// CONNECT can follow at once; a failed handshake arrives as an error on the channel.
    private func upgradeTLS(_ channel: any Channel, _ id: Machine.ConnectionID, host: String) {
        channel.eventLoop.execute {
            do {
                let context = try self.makeTLSContext()
                let handler = try NIOSSLClientHandler(
                    context: context, serverHostname: NATSTLSContextFactory.serverHostname(host))
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            } catch let error as NATSError {
                self.fail(id, error)
                return
            } catch {
                self.fail(id, NATSError(.tlsFailure, reason: "cannot start TLS: \(error)"))
                return
            }
            self.locked { core in core.apply(core.machine.tlsEstablished(id)) }
        }
    }

    func makeTLSContext() throws(NATSError) -> NIOSSLContext {
        try self.tlsContext.withLock { (cached: inout NIOSSLContext?) throws(NATSError) -> NIOSSLContext in
            if let cached { return cached }
            let context = try NATSTLSContextFactory.makeContext(self.options.tls)
            cached = context
            return context
        }
    }

    // MARK: - Writing

    /// Writes everything queued for channel `id` in one flush (runs on the channel's loop).
    private func writeOutbound(_ id: Machine.ConnectionID) {
        let taken = self.core.withLock { core -> (channel: any Channel, bytes: ByteBuffer)? in
            guard let channel = core.channel, channel.id == id else { return nil }
            core.writeScheduled = false
            guard core.outbound.readableBytes > 0 else { return nil }
            let bytes = core.outbound
            core.outbound = channel.channel.allocator.buffer(capacity: 0)
            return (channel.channel, bytes)
        }
        guard let (channel, bytes) = taken else { return }
        let count = bytes.readableBytes
        channel.writeAndFlush(bytes).whenComplete { [weak self] _ in self?.written(count, on: id) }
    }

    private func written(_ count: Int, on id: Machine.ConnectionID) {
        self.locked { core in
            guard let channel = core.channel, channel.id == id else { return }
            core.unwrittenBytes -= count
            if core.unwrittenBytes <= core.maxPendingOutboundBytes {
                core.releaseSpaceWaiters()
            }
        }
    }

    /// Waits until the unwritten bytes fall under the bound (or the channel is gone).
    func waitForOutboundSpace() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.locked { core in
                if core.channel == nil || core.unwrittenBytes <= core.maxPendingOutboundBytes {
                    core.pendingEffects.append(.resume(continuation, .success(())))
                } else {
                    core.spaceWaiters.append(continuation)
                }
            }
        }
    }

    // MARK: - Events from the channel and timers

    func channelActive(_ id: Machine.ConnectionID, channel: any Channel) {
        self.locked { core in
            guard core.machine.currentConnectionID == id else {
                // A connect that completed after we moved on (closed, or timed out).
                core.pendingEffects.append(.close(channel))
                return
            }
            core.channel = (id, channel)
            core.outbound.clear()
            core.unwrittenBytes = 0
            core.writeScheduled = false
            core.apply(core.machine.channelActive(id))
        }
    }

    func connectionLost(_ id: Machine.ConnectionID, _ error: NATSError) {
        self.locked { core in core.apply(core.machine.connectionLost(id, error: error)) }
    }

    /// Closes connection `id` for `error` (TLS failure, garbage from the server).
    func fail(_ id: Machine.ConnectionID, _ error: NATSError) {
        self.locked { core in core.apply(core.machine.fail(id, error)) }
    }

    private func timerFired(_ timer: Machine.Timer) {
        self.locked { core in core.apply(core.machine.timerFired(timer)) }
    }

    func received(_ message: NATSServerMessage, on id: Machine.ConnectionID) {
        switch message {
        case .info(let info):
            self.locked { core in core.apply(core.machine.infoReceived(id, info)) }
        case .ping:
            self.locked { core in core.apply(core.machine.pingReceived(id)) }
        case .pong:
            self.locked { core in core.apply(core.machine.pongReceived(id)) }
        case .ok:
            break
        case .error(let text):
            self.locked { core in core.apply(core.machine.serverError(id, text)) }
        case .msg(let msg):
            self.deliver(
                NATSMessage(subject: msg.subject, replyTo: msg.replyTo, headers: nil, payload: msg.payload), sid: msg.sid)
        case .hmsg(let msg):
            self.deliver(
                NATSMessage(subject: msg.subject, replyTo: msg.replyTo, headers: msg.headers, payload: msg.payload),
                sid: msg.sid)
        }
    }

    private func deliver(_ message: NATSMessage, sid: UInt64) {
        self.locked { core in
            let delivery = core.machine.messageDelivered(sid: sid)
            if sid == core.inbox.sid {
                core.routeReply(message)
                return
            }
            switch delivery {
            case .deliver:
                if let continuation = core.subscriptions[sid] {
                    core.pendingEffects.append(.yield(continuation, message, subject: message.subject))
                }
            case .deliverLast:
                if let continuation = core.subscriptions.removeValue(forKey: sid) {
                    core.pendingEffects.append(.yield(continuation, message, subject: message.subject))
                    core.pendingEffects.append(.finish(continuation))
                }
            case .drop:
                break
            }
        }
    }
}

extension NATSClient.Core {
    /// Hands a reply on the inbox to its request; late replies (after a timeout) are dropped.
    mutating func routeReply(_ message: NATSMessage) {
        guard let (token, continuation) = self.inbox.route(forSubject: message.subject) else { return }
        _ = self.inbox.remove(token)
        if message.status?.code == NATSHeaders.Status.noResponders.code {
            self.pendingEffects.append(
                .resumeReply(continuation, .failure(NATSError(.noResponders, reason: "no responders for the request"))))
        } else {
            self.pendingEffects.append(.resumeReply(continuation, .success(message)))
        }
    }
}
