import NIOCore
import SIPCore
import SIPTransport

/// Builds the requests this node starts on the admin plane (PUBLISH to witnesses, MESSAGE for reconcile): a fresh
/// transaction, `X-BF-Node` naming this node, and the body with its `Content-Type`.
struct AdminRequestFactory: Sendable {
    let nodeID: String
    let userAgent: String

    func request(
        _ method: SIPMethod, to peer: PeerSettings, over plane: AdminSIPPlane, headers extra: [(String, String)], body: [UInt8], contentType: String
    ) -> SIPRequest {
        let kind: SIPTransportProtocol = peer.transport == .tcp ? .tcp : .udp
        let local = plane.advertised(for: kind)
        let ids = plane.newIdentifiers()
        let target = (try? SIPURI(parsing: peer.uri)) ?? SIPURI(user: "audit", host: peer.host, port: peer.port)
        var request = SIPRequest(method: method, uri: target)
        request.headers.append("Via", "SIP/2.0/\(kind.viaToken) \(local.host):\(local.port);branch=\(ids.branch);rport")
        request.headers.append("Max-Forwards", "70")
        request.headers.append("From", "<sip:audit@\(local.host):\(local.port)>;tag=\(ids.tag)")
        request.headers.append("To", "<\(peer.uri)>")
        request.headers.append("Call-ID", ids.callID)
        request.headers.append("CSeq", "1 \(method.token)")
        request.headers.append(AuditWire.nodeHeader, nodeID)
        for (name, value) in extra { request.headers.append(name, value) }
        request.headers.append("User-Agent", userAgent)
        request.setBody(ByteBuffer(bytes: body), contentType: contentType)
        return request
    }

    /// Where requests to `peer` go; throws when its host is not an IP literal (the loader admits nothing else).
    static func destination(of peer: PeerSettings) throws -> SIPDestination {
        SIPDestination(transport: peer.transport == .tcp ? .tcp : .udp, address: try SocketAddress(ipAddress: peer.host, port: peer.port))
    }
}
