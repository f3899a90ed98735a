import Logging
import NIOCore
import SIPCore
import SIPTransport

// RFC 6035 voice-quality reports: a PUBLISH with `Event: vq-rtcpxr` from a customer's or a provider's endpoint,
// attached to the live session whose leg has the report's Call-ID.
extension NodeEngine {
    static let qualityReportEvent = "vq-rtcpxr"

    func receivedPublish(_ request: SIPRequest, from source: SIPSource) {
        let event = request.headers[SIPHeaderName("Event")]?.split(separator: ";").first?.trimmingCharacters(in: " \t").lowercased()
        guard event == Self.qualityReportEvent else {
            // RFC 3903 §6: an event package this node does not handle.
            respondStatelessly(489, to: request, from: source)
            return
        }
        guard isCarrierAddress(source.remote) else {
            statistics.forbidden += 1
            respondStatelessly(403, to: request, from: source)
            return
        }
        let body = String(decoding: request.body.readableBytesView, as: UTF8.self)
        guard let report = VQReport(body: body) else {
            respondStatelessly(400, to: request, from: source, reason: "Bad Request (not a vq-rtcpxr report with a CallID)")
            return
        }
        if let session = session(forLegCallID: report.callID) {
            session.mediaStatistics = report.canonicalJSON
            statistics.qualityReportsAttached += 1
        } else {
            // The usual end-of-call report arrives after the BYE, when the CDR is already written: accepted, not kept.
            statistics.qualityReportsUnmatched += 1
        }
        respondStatelessly(200, to: request, from: source)
    }

    /// A customer address, or the address of a configured provider.
    private func isCarrierAddress(_ address: SocketAddress) -> Bool {
        if customers.customer(for: address) != nil { return true }
        return providers.contains { $0.destination.address.ipAddress == address.ipAddress }
    }
}
