import Ledger
import Logging
import NIOCore
import SIPCore
import SIPTransport

/// Publishes this node's latest durable checkpoint to one peer every interval (RFC 3903 PUBLISH, docs/audit.md):
/// proofs start from the sizes the peer last acknowledged; a 412 is answered at once from the sizes it returns;
/// a timeout, a transport error or any other answer is logged and tried again at the next interval.
final class CheckpointPublisher: Sendable {
    /// A 412 loop (a peer that keeps changing its mind) ends after this many resends in one interval.
    static let maximumResends = 3

    private let peer: PeerSettings
    private let plane: AdminSIPPlane
    private let ledger: OwnLedger
    private let eventPackage: String
    private let expires: Int
    private let requests: AdminRequestFactory
    private let logger: Logger
    private let destination: SIPDestination

    /// Throws when the peer's host is not an IP literal (the loader admits nothing else).
    init(peer: PeerSettings, nodeID: String, plane: AdminSIPPlane, ledger: OwnLedger, eventPackage: String, expires: Int, userAgent: String, logger: Logger) throws {
        self.destination = try AdminRequestFactory.destination(of: peer)
        self.peer = peer
        self.plane = plane
        self.ledger = ledger
        self.eventPackage = eventPackage
        self.expires = expires
        self.requests = AdminRequestFactory(nodeID: nodeID, userAgent: userAgent)
        self.logger = logger
    }

    /// What this publisher knows about the peer between intervals.
    struct PeerState: Sendable, Equatable {
        /// Sizes the peer acknowledged holding; proofs start here. Empty: a full checkpoint.
        var acknowledged: [String: UInt64] = [:]
        /// The peer's last `SIP-ETag`, sent back as `SIP-If-Match`.
        var entityTag: String?
        /// Whether the last interval's publication ended in a 200.
        var lastSucceeded = false
    }

    /// Publishes every `interval` until the task is cancelled.
    func run(interval: Duration) async {
        var state = PeerState()
        while !Task.isCancelled {
            state = await publishOnce(state)
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// One interval's publication; returns the state for the next.
    func publishOnce(_ state: PeerState) async -> PeerState {
        var state = state
        let snapshot: (checkpointLine: String, trees: [String: MerkleTree])?
        do {
            snapshot = try await ledger.current()
        } catch {
            logger.error("own chain files unreadable; checkpoint not published", metadata: ["peer": "\(peer.id)", "error": "\(error)"])
            return state
        }
        guard let snapshot else {
            logger.debug("no checkpoint written yet; nothing to publish", metadata: ["peer": "\(peer.id)"])
            return state
        }
        for _ in 0...Self.maximumResends {
            let publication: CheckpointPublication
            do {
                publication = try CheckpointPublication.make(checkpointLine: snapshot.checkpointLine, trees: snapshot.trees, acknowledged: state.acknowledged)
            } catch {
                logger.error("checkpoint cannot be proven from the chain files", metadata: ["peer": "\(peer.id)", "error": "\(error)"])
                return state
            }
            let outcome = await plane.send(makeRequest(publication, entityTag: state.entityTag), to: destination)
            switch outcome {
            case .response(let response) where response.statusCode == 200:
                if let acknowledgement = WitnessAcknowledgement(body: response.body.readableBytesView) {
                    state.acknowledged = acknowledgement.held
                } else {
                    state.acknowledged = publication.checkpoint.sizes
                }
                state.entityTag = response.headers[SIPHeaderName(AuditWire.entityTagHeader)]
                if !state.lastSucceeded {
                    logger.info("checkpoint witnessed", metadata: ["peer": "\(peer.id)", "seq": "\(publication.checkpoint.seq)"])
                }
                state.lastSucceeded = true
                return state
            case .response(let response) where response.statusCode == 412:
                // The peer holds other sizes (or nothing: it lost its state); prove from those, now.
                state.acknowledged = WitnessAcknowledgement(body: response.body.readableBytesView)?.held ?? [:]
                state.entityTag = nil
                logger.info("peer holds other sizes; resending", metadata: ["peer": "\(peer.id)", "held": "\(state.acknowledged)"])
            case .response(let response):
                logger.error(
                    "checkpoint refused by peer",
                    metadata: ["peer": "\(peer.id)", "status": "\(response.statusCode)", "reason": "\(response.reasonPhrase)"]
                )
                state.lastSucceeded = false
                return state
            case .timeout, .transportFailure:
                if state.lastSucceeded {
                    logger.warning("peer unreachable; retrying next interval", metadata: ["peer": "\(peer.id)", "outcome": "\(outcome)"])
                }
                state.lastSucceeded = false
                return state
            }
        }
        state.lastSucceeded = false
        return state
    }

    private func makeRequest(_ publication: CheckpointPublication, entityTag: String?) -> SIPRequest {
        var headers = [("Event", eventPackage), ("Expires", String(expires))]
        if let entityTag { headers.append((AuditWire.ifMatchHeader, entityTag)) }
        return requests.request(.publish, to: peer, over: plane, headers: headers, body: publication.encoded(), contentType: CheckpointPublication.contentType)
    }
}
