public import Logging
public import NIOCore
public import SIPCore
public import SIPTransaction
import Synchronization
import Ledger
public import SIPTransport

/// A request that reached the admin plane, with what is needed to answer it.
public struct AdminInboundRequest: Sendable {
    /// The request as parsed.
    public let request: SIPRequest
    /// Where it came from (the source address is what peers are admitted by).
    public let source: SIPSource
    /// The server transaction that answers it.
    public let transaction: AdminServerTransactionKey
}

/// The node's admin SIP plane: its own `SIPTransportLayer` (separate sockets from the B2BUA engine) with RFC 3261
/// non-INVITE client and server transactions, for PUBLISH and MESSAGE between peers.
///
/// Inbound requests are handed over in `requests`, one at a time, so that a single consumer judges them in order;
/// answers go back through `respond`. Everything mutable lives on `eventLoop`.
// @unchecked Sendable: the transaction tables are touched only on `eventLoop` (every entry point hops or asserts).
public final class AdminSIPPlane: SIPTransportDelegate, @unchecked Sendable {
    /// More open server transactions than this is a flood, not peers; new requests then get a stateless 503.
    static let maximumServerTransactions = 1024
    /// Likewise for requests this node has in flight.
    static let maximumClientTransactions = 1024

    public let eventLoop: any EventLoop
    let transport: SIPTransportLayer
    let timers: TransactionTimers
    /// The transactions' timers: one heap on `eventLoop` behind one NIO task (EventLoopTimerQueue.swift).
    let timerQueue: EventLoopTimerQueue
    let logger: Logger
    /// Requests for the handler, in arrival order.
    public let requests: AsyncStream<AdminInboundRequest>
    private let requestsContinuation: AsyncStream<AdminInboundRequest>.Continuation
    private var clients: [String: AdminClientTransaction] = [:]
    private var servers: [AdminServerTransactionKey: AdminServerTransaction] = [:]
    private let identifiers: Mutex<IdentifierGenerator>
    private var closed = false

    /// Creates a plane on `eventLoop`; nothing is bound until `bind`.
    public init(eventLoop: any EventLoop, nodeID: String, limits: SIPParserLimits, timers: TransactionTimers, logger: Logger) {
        self.eventLoop = eventLoop
        self.transport = SIPTransportLayer(eventLoop: eventLoop, limits: limits, logger: logger)
        self.timers = timers
        self.timerQueue = EventLoopTimerQueue(eventLoop: eventLoop)
        self.logger = logger
        self.identifiers = Mutex(IdentifierGenerator(nodeID: nodeID, host: nodeID))
        // A bounded buffer: a flood of requests is answered by the transaction table's limit, not by memory.
        (self.requests, self.requestsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.maximumServerTransactions))
        self.transport.delegate = self
    }

    /// A plane with the node's `[sip]` timers and limits, its message limit raised to fit a checkpoint publication.
    public convenience init(eventLoop: any EventLoop, nodeID: String, sip: SIPSettings, logger: Logger) {
        self.init(
            eventLoop: eventLoop,
            nodeID: nodeID,
            limits: SIPParserLimits(
                maxMessageBytes: max(sip.maxMessageBytes, CheckpointPublication.maximumBodyBytes + 16_384),
                maxHeaderCount: sip.maxHeaders,
                maxLineBytes: sip.maxLineBytes
            ),
            timers: TransactionTimers(t1: sip.t1, t2: sip.t2, t4: sip.t4),
            logger: logger
        )
    }

    /// Binds one listener; returns the bound address (port 0 picks one).
    public func bind(transport kind: SIPTransportProtocol, host: String, port: Int) async throws -> SocketAddress {
        switch kind {
        case .udp: try await transport.listenUDP(host: host, port: port).get()
        case .tcp: try await transport.listenTCP(host: host, port: port).get()
        }
    }

    /// The host and port to write into Via and From for a request over `kind` (any listener when none of that kind).
    func advertised(for kind: SIPTransportProtocol) -> (host: String, port: Int) {
        transport.advertisedAddress(for: kind) ?? transport.advertisedAddress(for: kind == .tcp ? .udp : .tcp) ?? ("127.0.0.1", 5062)
    }

    /// Sends `request` (its top Via branch names the transaction) and waits for the outcome.
    public func send(_ request: SIPRequest, to destination: SIPDestination) async -> AdminRequestOutcome {
        let promise = eventLoop.makePromise(of: AdminRequestOutcome.self)
        eventLoop.execute {
            guard !self.closed, self.clients.count < Self.maximumClientTransactions,
                  let branch = request.topVia?.branch, self.clients[branch] == nil
            else {
                promise.succeed(.transportFailure)
                return
            }
            let transaction = AdminClientTransaction(plane: self, branch: branch, request: request, destination: destination, promise: promise)
            self.clients[branch] = transaction
            transaction.start()
        }
        // The promise is always completed: by the transaction (response, Timer F, transport error), by `close`, or
        // here when the caller is cancelled (a graceful shutdown must not wait up to Timer F for a silent peer).
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? .transportFailure
        } onCancel: {
            // Runs after the block above (same loop, in order), so the transaction exists unless it already ended.
            self.eventLoop.execute {
                if let branch = request.topVia?.branch { self.clients[branch]?.abandon() }
            }
        }
    }

    /// A fresh branch, Call-ID and tag for a request this node starts.
    func newIdentifiers() -> (branch: String, callID: String, tag: String) {
        identifiers.withLock { ($0.branch(), $0.callID(), $0.tag()) }
    }

    /// Answers a request handed over in `requests`.
    public func respond(_ response: SIPResponse, to key: AdminServerTransactionKey) {
        eventLoop.execute {
            self.servers[key]?.respond(response)
        }
    }

    /// Closes the sockets; requests in flight end as transport failures and `requests` finishes.
    public func close() async {
        let future = eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            self.closed = true
            for client in Array(self.clients.values) { client.abandon() }
            for server in Array(self.servers.values) { server.terminate() }
            // Nothing may fire into a closed plane.
            self.timerQueue.close()
            self.requestsContinuation.finish()
            return self.transport.close()
        }
        try? await future.get()
    }

    func clientTransactionEnded(branch: String) {
        clients[branch] = nil
    }

    func serverTransactionEnded(_ key: AdminServerTransactionKey) {
        servers[key] = nil
    }

    // MARK: - SIPTransportDelegate

    public func transportReceived(_ message: SIPMessage, from source: SIPSource) {
        eventLoop.preconditionInEventLoop()
        switch message {
        case .response(let response):
            guard let branch = response.topVia?.branch, let client = clients[branch] else { return }
            client.received(response)
        case .request(let request):
            received(request, from: source)
        }
    }

    public func transportReceivedMalformed(_ bytes: ByteBuffer, error: SIPParseError, from source: SIPSource) {
        // Peers send well-formed requests; anything else is noise and gets no answer (no state, no amplification).
        logger.debug("admin plane dropped a malformed message", metadata: ["from": "\(source.addressText)", "error": "\(error)"])
    }

    public func transportFailedToSend(to destination: SIPDestination, error: any Error) {
        for client in Array(clients.values) where client.destination.address == destination.address {
            client.transportFailed()
        }
    }

    private func received(_ request: SIPRequest, from source: SIPSource) {
        guard !closed, request.method != .ack else { return }
        guard let key = AdminServerTransactionKey(request) else {
            // RFC 2543 requests without a magic cookie cannot be matched to a transaction: answered statelessly.
            transport.send(.response(SIPResponse(replyingTo: request, statusCode: 400, reasonPhrase: "Missing Via Branch")), to: source.replyDestination)
            return
        }
        if let existing = servers[key] {
            existing.receivedRetransmission()
            return
        }
        guard servers.count < Self.maximumServerTransactions else {
            var busy = SIPResponse(replyingTo: request, statusCode: 503)
            busy.headers.append("Retry-After", "5")
            transport.send(.response(busy), to: source.replyDestination)
            return
        }
        let transaction = AdminServerTransaction(plane: self, key: key, request: request, replyTo: source.replyDestination)
        servers[key] = transaction
        guard transaction.start() else { return }
        if case .dropped = requestsContinuation.yield(AdminInboundRequest(request: request, source: source, transaction: key)) {
            transaction.respond(SIPResponse(replyingTo: request, statusCode: 503))
        }
    }
}
