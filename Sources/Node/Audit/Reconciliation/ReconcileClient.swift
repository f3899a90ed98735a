import Ledger
public import Logging
import NIOCore
import NIOPosix
import SIPCore
import SIPTransaction
import SIPTransport

/// `sipswarm audit reconcile`: asks one peer, over a short-lived admin plane of this process, for its CDRs of given
/// receipts (MESSAGE, `application/sipswarm-reconcile+json`, docs/audit.md) and compares them with this node's own.
public struct ReconcileClient: Sendable {
    /// Why a reconcile could not be carried out at all (as opposed to a mismatch, which is a result).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    private let configuration: NodeConfiguration
    private let settings: AuditSettings
    private let logger: Logger

    /// A client for the node `configuration` describes.
    public init(configuration: NodeConfiguration, settings: AuditSettings, logger: Logger) {
        self.configuration = configuration
        self.settings = settings
        self.logger = logger
    }

    /// One result per receipt in `receipts` that this node has a CDR for, plus the receipts it has none for.
    public func reconcile(peer: PeerSettings, receipts: [String]) async throws -> (results: [ReconcileResult], notOurs: [String]) {
        let ours: ReceiptRecordIndex
        do {
            ours = try ReceiptRecordIndex.build(dataDirectory: configuration.dataDirectory, receipts: Set(receipts))
        } catch {
            throw Failure("own CDRs unreadable: \(error)")
        }
        let notOurs = receipts.filter { ours.entries[$0] == nil }
        var pending = receipts.filter { ours.entries[$0] != nil }
        let verifier = ReconcileVerifier(peerID: peer.id, peerKey: peer.publicKey, tolerance: settings.reconcileTolerance)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sip = configuration.sip
        let plane = AdminSIPPlane(eventLoop: group.next(), nodeID: configuration.nodeID, sip: sip, logger: logger)
        var results: [ReconcileResult] = []
        do {
            // A listener on the admin plane's host (any port) gives the requests a Via to answer to.
            let host = settings.listen.first?.host ?? "127.0.0.1"
            _ = try await plane.bind(transport: peer.transport == .tcp ? .tcp : .udp, host: host, port: 0)
            let destination = try AdminRequestFactory.destination(of: peer)
            let factory = AdminRequestFactory(nodeID: configuration.nodeID, userAgent: sip.userAgent)
            // Each round asks for what is still pending; a deferred receipt (the answer was full) is asked again.
            var rounds = 0
            while !pending.isEmpty, rounds < 1000 {
                rounds += 1
                let batch = Array(pending.prefix(ReconcileRequest.maximumReceipts))
                let request = try ReconcileRequest(receipts: batch)
                let message = factory.request(.message, to: peer, over: plane, headers: [], body: request.encoded(), contentType: ReconcileRequest.contentType)
                let answer = try await ask(plane, message, destination: destination, peer: peer)
                let batchResults = verifier.verify(ours: ours.entries.filter { batch.contains($0.key) }, answer: answer)
                let deferred = batchResults.filter { $0.outcome == .deferred }.map(\.receipt)
                results += batchResults.filter { $0.outcome != .deferred }
                // A peer that defers everything it is asked makes no progress: stop rather than loop.
                guard deferred.count < batch.count else { throw Failure("peer \(peer.id) deferred every receipt asked for") }
                pending = Array(pending.dropFirst(batch.count)) + deferred
            }
        } catch {
            await plane.close()
            try? await group.shutdownGracefully()
            throw error
        }
        await plane.close()
        try? await group.shutdownGracefully()
        return (results.sorted { $0.receipt < $1.receipt }, notOurs)
    }

    private func ask(_ plane: AdminSIPPlane, _ message: SIPRequest, destination: SIPDestination, peer: PeerSettings) async throws -> ReconcileAnswer {
        switch await plane.send(message, to: destination) {
        case .response(let response) where response.statusCode == 200:
            do {
                return try ReconcileAnswer(body: response.body.readableBytesView)
            } catch {
                throw Failure("peer \(peer.id) answered with an unreadable body: \(error)")
            }
        case .response(let response):
            throw Failure("peer \(peer.id) answered \(response.statusCode) \(response.reasonPhrase)")
        case .timeout:
            throw Failure("peer \(peer.id) did not answer (timeout)")
        case .transportFailure:
            throw Failure("peer \(peer.id) unreachable at \(peer.uri)")
        }
    }
}
