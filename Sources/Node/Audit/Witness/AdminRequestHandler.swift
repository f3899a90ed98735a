import Foundation
public import Logging
import NIOCore
public import SIPCore
import SIPTransport

/// Answers the requests of the admin plane: admits peers (403 otherwise), hands checkpoint PUBLISHes to the
/// witness (489 for other event packages), answers reconcile MESSAGEs from the node's own ledger, and turns each
/// answer into the SIP response.
public struct AdminRequestHandler: Sendable {
    /// Other requests than these get 405.
    static let allowedMethods = "PUBLISH, MESSAGE, OPTIONS"

    private let directory: PeerDirectory
    private let witness: PeerWitness
    private let eventPackage: String
    private let expires: Int
    private let userAgent: String
    private let dataDirectory: String
    private let logger: Logger

    /// A handler for `witness`; `expires` is the `Expires` value of 200 answers, in seconds; reconcile answers come
    /// from the ledger under `dataDirectory`.
    public init(
        directory: PeerDirectory, witness: PeerWitness, eventPackage: String, expires: Int, userAgent: String, dataDirectory: String, logger: Logger
    ) {
        self.dataDirectory = dataDirectory
        self.directory = directory
        self.witness = witness
        self.eventPackage = eventPackage
        self.expires = expires
        self.userAgent = userAgent
        self.logger = logger
    }

    /// The response to `inbound`.
    public func respond(to inbound: AdminInboundRequest) async -> SIPResponse {
        let request = inbound.request
        let peer: PeerSettings
        switch directory.admit(request, from: inbound.source) {
        case .success(let admitted):
            peer = admitted
        case .failure(let refusal):
            logger.warning("admin request refused", metadata: ["from": "\(inbound.source.addressText)", "method": "\(request.method)", "reason": "\(refusal)"])
            return reply(request, 403, reason: "Not A Configured Peer")
        }
        switch request.method {
        case .publish:
            return await publish(request, from: peer)
        case .options:
            var response = reply(request, 200)
            response.headers.append("Allow", Self.allowedMethods)
            response.headers.append("Allow-Events", eventPackage)
            return response
        case .message:
            return reconcile(request, from: peer)
        case .invite, .ack, .bye, .cancel, .register, .info, .update, .prack, .subscribe, .notify, .refer, .other:
            var response = reply(request, 405)
            response.headers.append("Allow", Self.allowedMethods)
            return response
        }
    }

    private func publish(_ request: SIPRequest, from peer: PeerSettings) async -> SIPResponse {
        let event = request.headers[.event].map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces) }
        guard event == eventPackage else {
            var response = reply(request, 489, reason: "Bad Event")
            response.headers.append("Allow-Events", eventPackage)
            return response
        }
        let answer = await witness.publish(
            body: Array(request.body.readableBytesView),
            contentType: request.headers[.contentType],
            ifMatch: request.headers[SIPHeaderName(AuditWire.ifMatchHeader)]?.trimmingCharacters(in: .whitespaces),
            from: peer
        )
        switch answer {
        case .ok(let acknowledgement, let entityTag):
            var response = reply(request, 200)
            response.headers.append(AuditWire.entityTagHeader, entityTag)
            response.headers.append("Expires", String(expires))
            response.setBody(ByteBuffer(bytes: acknowledgement.encoded()), contentType: AuditWire.acknowledgementContentType)
            return response
        case .conditionFailed(let acknowledgement):
            var response = reply(request, 412, reason: "Conditional Request Failed")
            response.setBody(ByteBuffer(bytes: acknowledgement.encoded()), contentType: AuditWire.acknowledgementContentType)
            return response
        case .forbidden(let why):
            return reply(request, 403, reason: Self.phrase(why))
        case .notAcceptable(let why):
            return reply(request, 488, reason: Self.phrase(why))
        case .unsupportedMediaType:
            var response = reply(request, 415)
            response.headers.append("Accept", "application/sipswarm-checkpoint+json")
            return response
        }
    }

    // The peer asks for this node's CDRs of some receipts, with inclusion proofs against its latest checkpoint.
    private func reconcile(_ request: SIPRequest, from peer: PeerSettings) -> SIPResponse {
        guard request.headers[.contentType]?.lowercased().hasPrefix(ReconcileRequest.contentType) == true else {
            var response = reply(request, 415)
            response.headers.append("Accept", ReconcileRequest.contentType)
            return response
        }
        let answer: ReconcileAnswer
        do {
            let asked = try ReconcileRequest(body: request.body.readableBytesView)
            answer = try ReconcileResponder.answer(asked, dataDirectory: dataDirectory)
        } catch {
            logger.warning("reconcile request not answered", metadata: ["peer": "\(peer.id)", "error": "\(error)"])
            switch error.code {
            case .malformed, .tooLarge: return reply(request, 400, reason: Self.phrase(error.reason))
            case .noCheckpoint: return reply(request, 480, reason: "No Checkpoint Yet")
            default: return reply(request, 500, reason: Self.phrase(error.reason))
            }
        }
        var response = reply(request, 200)
        response.setBody(ByteBuffer(bytes: answer.encoded()), contentType: ReconcileRequest.contentType)
        return response
    }

    private func reply(_ request: SIPRequest, _ status: Int, reason: String? = nil) -> SIPResponse {
        var response = SIPResponse(replyingTo: request, statusCode: status, reasonPhrase: reason, toTag: status == 100 ? nil : "w")
        response.headers.append("Server", userAgent)
        response.headers.append("Content-Length", "0")
        return response
    }

    // A reason phrase is one line of printable ASCII; the witness's reason is cut to fit.
    private static func phrase(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init).prefix(120))
        return cleaned.isEmpty ? "Refused" : cleaned
    }
}
