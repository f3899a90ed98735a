import Logging
import NIOCore

extension NATSClient {
    typealias Machine = NATSConnectionStateMachine

    /// A request waiting for the first reply to `_INBOX.<prefix>.<token>`.
    typealias Route = CheckedContinuation<NATSMessage, any Error>

    /// A side effect decided under the lock and performed after it.
    enum Effect: Sendable {
        case open(Machine.ConnectionID, NATSServerURL)
        case upgradeTLS(any Channel, Machine.ConnectionID, host: String)
        /// `outbound` holds bytes for this channel; write them from its event loop.
        case scheduleWrite(any Channel, Machine.ConnectionID)
        case close(any Channel)
        case schedule(Machine.Timer, after: Duration)
        case resume(CheckedContinuation<Void, any Error>, Result<Void, NATSError>)
        case resumeReply(CheckedContinuation<NATSMessage, any Error>, Result<NATSMessage, NATSError>)
        case yield(AsyncStream<NATSMessage>.Continuation, NATSMessage, subject: String)
        case finish(AsyncStream<NATSMessage>.Continuation)
        case log(Logger.Level, String)
    }

    /// Everything shared between the API callers and the channel's event loop.
    struct Core: Sendable {
        var machine: Machine
        var channel: (id: Machine.ConnectionID, channel: any Channel)?
        /// Encoded bytes for `channel`, in lock order; one scheduled write takes them all.
        var outbound = ByteBuffer()
        var writeScheduled = false
        /// Bytes in `outbound` plus those handed to NIO and not yet written: the back-pressure measure.
        var unwrittenBytes = 0
        var spaceWaiters: [CheckedContinuation<Void, any Error>] = []
        var subscriptions: [UInt64: AsyncStream<NATSMessage>.Continuation] = [:]
        var nextSID: UInt64 = 1
        var inbox: NATSInbox<Route>
        var flushWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiterID: UInt64 = 1
        var connectWaiter: CheckedContinuation<Void, any Error>?
        var permits: NATSPermits<CheckedContinuation<Void, any Error>>
        var serverInfo: NATSServerInfo?
        let maxPendingOutboundBytes: Int
        /// Effects decided under the lock, performed in order by `NATSClient.locked` after it.
        var pendingEffects: [Effect] = []

        /// Turns the machine's actions into memory changes now and effects for later.
        mutating func apply(_ actions: [Machine.Action]) {
            for action in actions {
                switch action {
                case .openConnection(let id, let url):
                    self.detachChannel()
                    self.pendingEffects.append(.open(id, url))
                case .upgradeTLS(let id, let host):
                    if let channel = self.channel, channel.id == id {
                        self.pendingEffects.append(.upgradeTLS(channel.channel, id, host: host))
                    }
                case .send(let id, let commands):
                    self.write(id, commands)
                case .established(let id, let info, let resend, let buffered, let isReconnect):
                    self.serverInfo = info
                    self.write(id, resend)
                    for publish in buffered { self.write(id, encoded: publish) }
                    if let waiter = self.connectWaiter {
                        self.connectWaiter = nil
                        self.pendingEffects.append(.resume(waiter, .success(())))
                    }
                    self.pendingEffects.append(
                        .log(
                            .info,
                            "NATS \(isReconnect ? "reconnected" : "connected") to \(self.machine.pool.currentURL) (server \(info.version)); resent \(resend.count) subscription ops, \(buffered.count) buffered publishes"
                        ))
                case .closeConnection(let id):
                    if let channel = self.channel, channel.id == id { self.pendingEffects.append(.close(channel.channel)) }
                case .scheduleTimer(let timer, let after):
                    self.pendingEffects.append(.schedule(timer, after: after))
                case .succeedFlush(let id):
                    if let waiter = self.flushWaiters.removeValue(forKey: id) {
                        self.pendingEffects.append(.resume(waiter, .success(())))
                    }
                case .failFlushes(let ids, let error):
                    for id in ids {
                        if let waiter = self.flushWaiters.removeValue(forKey: id) {
                            self.pendingEffects.append(.resume(waiter, .failure(error)))
                        }
                    }
                case .disconnected(let error):
                    self.detachChannel()
                    self.pendingEffects.append(.log(.warning, "NATS disconnected: \(error); reconnecting"))
                case .failConnect(let error):
                    if let waiter = self.connectWaiter {
                        self.connectWaiter = nil
                        self.pendingEffects.append(.resume(waiter, .failure(error)))
                    }
                case .closed(let error):
                    self.shutDown(error ?? NATSError(.connectionClosed, reason: "the connection is closed"))
                    if let error { self.pendingEffects.append(.log(.error, "NATS connection closed: \(error)")) }
                case .reportServerError(let text):
                    self.pendingEffects.append(.log(.warning, "NATS server error: \(text)"))
                }
            }
        }

        mutating func write(_ id: Machine.ConnectionID, _ commands: [NATSClientCommand]) {
            guard !commands.isEmpty, let channel = self.channel, channel.id == id else { return }
            let before = self.outbound.readableBytes
            for command in commands {
                do {
                    try command.encode(into: &self.outbound)
                } catch {
                    // Subjects were validated when the caller made the command; this is a bug, not input.
                    self.pendingEffects.append(.log(.error, "NATS dropped an unencodable \(command): \(error)"))
                }
            }
            self.unwrittenBytes += self.outbound.readableBytes - before
            self.scheduleWrite(channel)
        }

        mutating func write(_ id: Machine.ConnectionID, encoded: ByteBuffer) {
            guard let channel = self.channel, channel.id == id else { return }
            self.outbound.writeImmutableBuffer(encoded)
            self.unwrittenBytes += encoded.readableBytes
            self.scheduleWrite(channel)
        }

        private mutating func scheduleWrite(
            _ channel: (id: Machine.ConnectionID, channel: any Channel)
        ) {
            if !self.writeScheduled {
                self.writeScheduled = true
                self.pendingEffects.append(.scheduleWrite(channel.channel, channel.id))
            }
        }

        /// The bytes pending for a dead channel are lost with it; publishers waiting for room go on.
        mutating func detachChannel() {
            self.channel = nil
            self.outbound.clear()
            self.writeScheduled = false
            self.unwrittenBytes = 0
            self.releaseSpaceWaiters()
        }

        mutating func releaseSpaceWaiters() {
            for waiter in self.spaceWaiters { self.pendingEffects.append(.resume(waiter, .success(()))) }
            self.spaceWaiters = []
        }

        /// Fails and finishes everything that waits on this client.
        mutating func shutDown(_ error: NATSError) {
            if let channel = self.channel { self.pendingEffects.append(.close(channel.channel)) }
            self.detachChannel()
            if let waiter = self.connectWaiter {
                self.connectWaiter = nil
                self.pendingEffects.append(.resume(waiter, .failure(error)))
            }
            for waiter in self.flushWaiters.values { self.pendingEffects.append(.resume(waiter, .failure(error))) }
            self.flushWaiters = [:]
            for continuation in self.subscriptions.values { self.pendingEffects.append(.finish(continuation)) }
            self.subscriptions = [:]
            for route in self.inbox.removeAllRoutes() {
                self.pendingEffects.append(.resumeReply(route, .failure(error)))
            }
            for waiter in self.permits.failAll() { self.pendingEffects.append(.resume(waiter, .failure(error))) }
        }
    }
}
