public import NIOCore
import NIOPosix
public import Logging
public import SIPCore

/// UDP and TCP listeners plus outbound connections, all on one event loop.
///
/// Every SIP message of the node is read, parsed and handed to the delegate on `eventLoop`, and
/// the delegate answers on the same thread: no locks and no hops on the per-message path.
// @unchecked Sendable: all mutable state is touched only on `eventLoop` (asserted at each entry point).
public final class SIPTransportLayer: @unchecked Sendable {
    public let eventLoop: any EventLoop
    public let parser: SIPParser
    public weak var delegate: (any SIPTransportDelegate)?
    public private(set) var counters = SIPTransportCounters()

    private let logger: Logger
    private var udpSockets: [UDPSocket] = []
    private var tcpServerChannels: [any Channel] = []
    private var connections: [SIPConnectionID: any Channel] = [:]
    private var connectionsByRemote: [SocketAddress: SIPConnectionID] = [:]
    private var pendingConnects: [SocketAddress: [ByteBuffer]] = [:]
    private var nextConnectionID: UInt64 = 1
    private var closing = false

    public init(eventLoop: any EventLoop, limits: SIPParserLimits, logger: Logger) {
        self.eventLoop = eventLoop
        self.parser = SIPParser(limits: limits)
        self.logger = logger
    }

    /// Bound listener addresses, in bind order.
    public private(set) var boundAddresses: [(SIPTransportProtocol, SocketAddress)] = []

    /// Datagrams taken from the socket by one recvmmsg call.
    static let datagramsPerVectorRead = 8

    /// Queued datagrams that are sent at once, without waiting for the end of the loop tick: bounds how long the
    /// first datagram of a busy tick waits for the others (a tick reads up to 32 datagrams).
    static let datagramsPerBatch = 8

    /// A flush of the queued datagrams is scheduled on the loop.
    private var flushScheduled = false
    /// Run once the datagrams queued before them have been handed to the kernel (`whenSent`).
    private var afterFlush: [() -> Void] = []

    /// Binds a UDP socket.
    public func listenUDP(host: String, port: Int) -> EventLoopFuture<SocketAddress> {
        let maxDatagram = max(parser.limits.maxMessageBytes, 2048)
        // No SO_REUSEADDR on UDP: on Linux it lets two processes share the port silently. Bound here, close-on-exec,
        // so that the sender knows the descriptor.
        let descriptor: NIOBSDSocket.Handle
        do {
            descriptor = try CloseOnExecSocket.bound(.datagram, host: host, port: port, reuseAddress: false)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let sender = UDPDatagramSender(descriptor: descriptor)
        // Under load one readable event drains up to `vectorRead` × `maxMessagesPerRead` datagrams with
        // recvmmsg, instead of one recvmsg and one trip through epoll per datagram. NIO splits one receive
        // buffer into `vectorRead` slots, so the buffer holds that many datagrams of the largest allowed
        // size; it is reused as long as nothing keeps a slice of it (the parser copies bodies out).
        let vectorRead = Self.datagramsPerVectorRead
        return DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: maxDatagram * vectorRead))
            .channelOption(.datagramVectorReadMessageCount, value: vectorRead)
            .channelOption(.maxMessagesPerRead, value: 4)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPInboundHandler(transport: self, sender: sender))
                }
            }
            .withBoundSocket(descriptor)
            .flatMapThrowing { channel in
                self.eventLoop.preconditionInEventLoop()
                guard let address = channel.localAddress else { throw SIPTransportError(.bindFailed, "UDP socket has no local address") }
                self.udpSockets.append(UDPSocket(channel: channel, sender: sender, family: address.protocol))
                self.boundAddresses.append((.udp, address))
                return address
            }
    }

    /// Binds a TCP listener.
    public func listenTCP(host: String, port: Int) -> EventLoopFuture<SocketAddress> {
        // Bound here, close-on-exec: a listener NIO creates is inherited by any child process (in the test suite
        // nats-server, sshd and sipp) and stays bound after the node closed it. SO_REUSEADDR: a restart must not
        // fail on the last run's connections in TIME_WAIT.
        let descriptor: NIOBSDSocket.Handle
        do {
            descriptor = try CloseOnExecSocket.bound(.stream, host: host, port: port, reuseAddress: true)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return ServerBootstrap(group: eventLoop)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.installStreamHandlers(on: channel, accepted: true)
                }
            }
            .withBoundSocket(descriptor)
            .flatMapThrowing { channel in
                self.eventLoop.preconditionInEventLoop()
                self.tcpServerChannels.append(channel)
                guard let address = channel.localAddress else { throw SIPTransportError(.bindFailed, "TCP socket has no local address") }
                self.boundAddresses.append((.tcp, address))
                return address
            }
    }

    /// Sends bytes. Must be called on `eventLoop`. Failures are reported to the delegate.
    public func send(_ bytes: ByteBuffer, to destination: SIPDestination) {
        eventLoop.preconditionInEventLoop()
        switch destination.transport {
        case .udp:
            guard let sender = udpSender(for: destination.address), sender.isOpen else {
                reportSendFailure(destination, SIPTransportError(.noListener, "no UDP socket to send from"))
                return
            }
            counters.sent += 1
            sender.enqueue(bytes, to: destination)
            if sender.queuedCount >= Self.datagramsPerBatch {
                flushDatagrams()
            } else if !flushScheduled {
                // Runs after the loop has handled this tick's readable events, so their answers leave together.
                flushScheduled = true
                eventLoop.execute { self.flushDatagrams() }
            }
        case .tcp:
            if let id = destination.connection, let channel = connections[id] {
                write(bytes, on: channel, destination: destination)
            } else if let id = connectionsByRemote[destination.address], let channel = connections[id] {
                write(bytes, on: channel, destination: destination)
            } else {
                connect(and: bytes, to: destination)
            }
        }
    }

    /// Runs `body` once every UDP datagram queued so far has been handed to the kernel: at once when none is
    /// waiting, else after the flush that sends them. For measuring when a message really left.
    public func whenSent(_ body: @escaping () -> Void) {
        eventLoop.preconditionInEventLoop()
        if udpSockets.allSatisfy({ $0.sender.queuedCount == 0 }) {
            body()
        } else {
            afterFlush.append(body)
        }
    }

    /// Sends the queued datagrams of every UDP socket; a datagram the kernel refused is reported to the delegate,
    /// one that found the send buffer full goes through NIO's queue, which writes it once the socket is writable.
    private func flushDatagrams() {
        flushScheduled = false
        for socket in udpSockets {
            for unsent in socket.sender.flush() {
                switch unsent.refusal {
                case .wouldBlock:
                    let envelope = AddressedEnvelope(remoteAddress: unsent.destination.address, data: unsent.bytes)
                    socket.channel.writeAndFlush(envelope).whenFailure { error in
                        self.reportSendFailure(unsent.destination, error)
                    }
                case .failed(let error):
                    reportSendFailure(unsent.destination, error)
                }
            }
        }
        guard !afterFlush.isEmpty else { return }
        let hooks = afterFlush
        afterFlush.removeAll(keepingCapacity: true)
        for hook in hooks { hook() }
    }

    /// Sends a message (serialized here, once).
    public func send(_ message: SIPMessage, to destination: SIPDestination) {
        send(message.serialized(allocator: ByteBufferAllocator()), to: destination)
    }

    /// The address to put into Via/Contact for a transport: the first listener of that kind.
    public func advertisedAddress(for transport: SIPTransportProtocol) -> (host: String, port: Int)? {
        for (kind, address) in boundAddresses where kind == transport {
            guard let ip = address.ipAddress, let port = address.port else { continue }
            let host = address.protocol == .inet6 ? "[\(ip)]" : ip
            return (host, port)
        }
        return nil
    }

    /// Closes listeners and connections.
    public func close() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            self.flushDatagrams()
            self.closing = true
            let channels: [any Channel] = self.udpSockets.map(\.channel) + self.tcpServerChannels + Array(self.connections.values)
            self.udpSockets = []
            self.tcpServerChannels = []
            let closes = channels.map { $0.close(mode: .all).recover { _ in } }
            return EventLoopFuture.andAllComplete(closes, on: self.eventLoop)
        }
    }

    /// Stops accepting new TCP connections (graceful stop); UDP stays open for in-flight dialogs.
    public func stopAcceptingConnections() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let servers = self.tcpServerChannels
            self.tcpServerChannels = []
            return EventLoopFuture.andAllComplete(servers.map { $0.close().recover { _ in } }, on: self.eventLoop)
        }
    }

    // MARK: - Inbound

    func receive(_ bytes: ByteBuffer, from source: SIPSource) {
        counters.received += 1
        let framing: SIPParser.Framing = source.transport == .udp ? .datagram : .stream
        do {
            let message = try parser.parse(bytes, framing: framing)
            delegate?.transportReceived(message, from: source)
        } catch {
            counters.malformed += 1
            delegate?.transportReceivedMalformed(bytes, error: error, from: source)
        }
    }

    func framingFailed(on connection: SIPConnectionID, error: any Error) {
        counters.framingErrors += 1
        logger.debug("closing TCP connection after framing error", metadata: ["connection": "\(connection)", "error": "\(error)"])
        connections[connection]?.close(promise: nil)
    }

    // MARK: - TCP connections

    func installStreamHandlers(on channel: any Channel, accepted: Bool) throws {
        let id = SIPConnectionID(rawValue: nextConnectionID)
        nextConnectionID += 1
        if accepted { counters.connectionsAccepted += 1 } else { counters.connectionsOpened += 1 }
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SIPStreamFramer(limits: parser.limits)))
        try channel.pipeline.syncOperations.addHandler(TCPFrameHandler(transport: self, connection: id))
        register(channel, as: id)
    }

    private func register(_ channel: any Channel, as id: SIPConnectionID) {
        connections[id] = channel
        if let remote = channel.remoteAddress { connectionsByRemote[remote] = id }
        channel.closeFuture.whenComplete { _ in
            self.connections[id] = nil
            if let remote = channel.remoteAddress, self.connectionsByRemote[remote] == id {
                self.connectionsByRemote[remote] = nil
            }
        }
    }

    private func connect(and bytes: ByteBuffer, to destination: SIPDestination) {
        if pendingConnects[destination.address] != nil {
            pendingConnects[destination.address]?.append(bytes)
            return
        }
        guard !closing else {
            reportSendFailure(destination, SIPTransportError(.closing, "transport is closing"))
            return
        }
        pendingConnects[destination.address] = [bytes]
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.installStreamHandlers(on: channel, accepted: false)
                }
            }
            .connect(to: destination.address)
            .whenComplete { result in
                let queued = self.pendingConnects.removeValue(forKey: destination.address) ?? []
                switch result {
                case .success(let channel):
                    if let id = self.connections.first(where: { $0.value === channel })?.key {
                        self.connectionsByRemote[destination.address] = id
                    }
                    for buffer in queued { self.write(buffer, on: channel, destination: destination) }
                case .failure(let error):
                    for _ in queued { self.reportSendFailure(destination, error) }
                }
            }
    }

    private func write(_ bytes: ByteBuffer, on channel: any Channel, destination: SIPDestination) {
        counters.sent += 1
        channel.writeAndFlush(bytes).whenFailure { error in
            self.reportSendFailure(destination, error)
        }
    }

    // The sender alone: a whole `UDPSocket` copy retained its channel too, on every datagram sent.
    private func udpSender(for address: SocketAddress) -> UDPDatagramSender? {
        if udpSockets.count == 1 { return udpSockets[0].sender }
        return (udpSockets.first { $0.family == address.protocol } ?? udpSockets.first)?.sender
    }

    private func reportSendFailure(_ destination: SIPDestination, _ error: any Error) {
        counters.sendFailures += 1
        logger.debug("send failed", metadata: ["destination": "\(destination.addressText)", "error": "\(error)"])
        delegate?.transportFailedToSend(to: destination, error: error)
    }
}

/// A bound UDP listener: NIO reads from it, `sender` writes to it.
private struct UDPSocket {
    let channel: any Channel
    let sender: UDPDatagramSender
    let family: NIOBSDSocket.ProtocolFamily
}
