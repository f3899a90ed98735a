import Logging
import NIOCore
import SIPCore
import SIPTransport

/// Builds the requests and responses the B2BUA sends. Pure functions of their inputs.
enum MessageFactory {
    /// Our Via for a request leaving on `transport`.
    static func via(_ local: LocalAddress, branch: String) -> String {
        // The part before the branch is fixed per address and built once (LocalAddress.viaPrefix).
        var via = local.viaPrefix
        via.reserveCapacity(via.utf8.count + branch.utf8.count + 6)
        via += branch
        via += ";rport"
        return via
    }

    static func contact(_ local: LocalAddress) -> String {
        local.contact
    }

    /// ACK for a non-2xx final response: same branch, To from the response (RFC 3261 §17.1.1.3).
    static func hopByHopACK(for invite: SIPRequest, response: SIPResponse) -> SIPRequest {
        sameTransaction(.ack, as: invite, to: response.headers[.to])
    }

    /// CANCEL for a pending INVITE (RFC 3261 §9.1): same Request-URI, Call-ID, From, To, branch.
    static func cancel(for invite: SIPRequest) -> SIPRequest {
        sameTransaction(.cancel, as: invite, to: invite.headers[.to])
    }

    // ACK and CANCEL copy the INVITE's top Via (its branch), From, Call-ID, CSeq number and Route.
    private static func sameTransaction(_ method: SIPMethod, as invite: SIPRequest, to: String?) -> SIPRequest {
        var headers = SIPHeaders(reservingCapacity: 10)
        if let via = invite.headers.firstValue(.via) { headers.append("Via", via) }
        headers.append("Max-Forwards", "70")
        if let from = invite.headers[.from] { headers.append("From", from) }
        if let to { headers.append("To", to) }
        if let callID = invite.headers[.callID] { headers.append("Call-ID", callID) }
        headers.append("CSeq", "\(invite.cseq?.sequence ?? 1) \(method.token)")
        for route in invite.headers.lines(.route) { headers.append("Route", route) }
        headers.append("Content-Length", "0")
        return SIPRequest(method: method, uri: invite.uri, headers: headers)
    }

    /// A request inside a dialog (BYE, ACK for 2xx, re-INVITE, UPDATE, INFO).
    static func inDialog(
        _ method: SIPMethod, dialog: inout Dialog, local: LocalAddress, branch: String, userAgent: String,
        cseq: UInt32? = nil, copyingFrom original: SIPRequest? = nil
    ) -> SIPRequest {
        let sequence = cseq ?? dialog.nextCSeq()
        var headers = SIPHeaders(reservingCapacity: 12 + dialog.routeSet.count)
        headers.append("Via", via(local, branch: branch))
        headers.append("Max-Forwards", "70")
        headers.append("From", dialog.localHeader)
        headers.append("To", dialog.remoteHeader)
        headers.append("Call-ID", dialog.callID)
        headers.append("CSeq", "\(sequence) \(method.token)")
        for route in dialog.routeSet { headers.append("Route", route) }
        if method == .invite || method == .update {
            headers.append("Contact", contact(local))
        }
        headers.append("User-Agent", userAgent)
        // `consume`: the list moves into the request, so the appends below grow it in place instead of copying it.
        var request = SIPRequest(method: method, uri: dialog.remoteTarget, headers: consume headers)
        if let original {
            HeaderPolicy.copyEndToEnd(original.headers, into: &request.headers)
            request.body = original.body
            request.headers.set("Content-Length", String(original.body.readableBytes))
        } else {
            request.headers.append("Content-Length", "0")
        }
        return request
    }

    /// A provider-leg request and the From and To URIs written into it (for the CDR's B leg, without parsing them back).
    struct Outbound {
        var request: SIPRequest
        let fromURI: String
        let toURI: String
    }

    /// The provider-leg INVITE (or MESSAGE) for one attempt: new Call-ID, tags and Via; user parts kept.
    /// `originalFrom` and `originalTo` are the customer request's From and To, parsed once by the session.
    static func outbound(
        from original: SIPRequest, originalFrom: SIPNameAddress?, originalTo: SIPNameAddress?, provider: ProviderTarget,
        local: LocalAddress, callID: String, fromTag: String, branch: String, userAgent: String
    ) -> Outbound {
        // Each part read once: every `originalFrom?.uri.user` copied the whole name-address (and its URI) first.
        let fromUser = originalFrom?.uri.user, fromDisplayName = originalFrom?.displayName
        let toUser = originalTo?.uri.user, toDisplayName = originalTo?.displayName
        let dialed = original.uri.user ?? toUser
        var uri = SIPURI(scheme: .sip, user: dialed, host: provider.host, port: provider.port)
        if provider.destination.transport == .tcp { uri.parameters.set("transport", "tcp") }
        // The URIs' texts (for the CDR) taken first, so the URIs can move into their name-addresses uncopied.
        let fromURI = SIPURI(scheme: .sip, user: fromUser, host: local.host)
        let fromURIText = fromURI.description
        var from = SIPNameAddress(displayName: fromDisplayName, uri: consume fromURI)
        from.tag = fromTag
        let toURI = SIPURI(scheme: .sip, user: toUser ?? dialed, host: provider.host)
        let toURIText = toURI.description
        let to = SIPNameAddress(displayName: toDisplayName, uri: consume toURI)
        let hops = original.headers[.maxForwards].flatMap { Int($0) }.map { max(0, min(70, $0 - 1)) } ?? 70

        // The node's eight lines, the end-to-end ones copied from the customer's request, and Content-Length.
        // Room for the bid lines the session adds (BFHeaders.addBid, five) without growing the list.
        var headers = SIPHeaders(reservingCapacity: 14 + original.headers.count)
        headers.append("Via", via(local, branch: branch))
        headers.append("Max-Forwards", String(hops))
        headers.append("From", from.description)
        headers.append("To", to.description)
        headers.append("Call-ID", callID)
        headers.append("CSeq", "1 \(original.method.token)")
        if original.method == .invite { headers.append("Contact", contact(local)) }
        headers.append("User-Agent", userAgent)
        var request = SIPRequest(method: original.method, uri: consume uri, headers: consume headers)
        HeaderPolicy.copyEndToEnd(original.headers, into: &request.headers)
        request.body = original.body
        request.headers.append("Content-Length", String(original.body.readableBytes))
        return Outbound(request: request, fromURI: fromURIText, toURI: toURIText)
    }

    /// A response on the customer leg that relays a provider-leg response (code, reason, body, end-to-end headers).
    /// `taggedTo`, when given, is the request's To header with our tag already in it (see `reply`).
    static func relayed(
        _ response: SIPResponse, to request: SIPRequest, toTag: String?, taggedTo: String? = nil, local: LocalAddress?, userAgent: String
    ) -> SIPResponse {
        var relayed = reply(to: request, statusCode: response.statusCode, reasonPhrase: response.reasonPhrase, toTag: toTag, taggedTo: taggedTo)
        if let local, response.statusCode < 300, response.statusCode > 100,
           request.method == .invite || request.method == .update || request.method == .subscribe {
            relayed.headers.append("Contact", contact(local))
        }
        relayed.headers.append("Server", userAgent)
        HeaderPolicy.copyEndToEnd(response.headers, into: &relayed.headers)
        relayed.body = response.body
        relayed.headers.append("Content-Length", String(response.body.readableBytes))
        return relayed
    }

    /// A locally generated response (403, 483, 487, 503 ...).
    static func local(
        _ code: Int, to request: SIPRequest, toTag: String?, taggedTo: String? = nil, userAgent: String, reason: String? = nil,
        extra: [(String, String)] = []
    ) -> SIPResponse {
        var response = reply(to: request, statusCode: code, reasonPhrase: reason, toTag: toTag, taggedTo: taggedTo)
        response.headers.append("Server", userAgent)
        for (name, value) in extra { response.headers.append(name, value) }
        response.headers.append("Content-Length", "0")
        return response
    }
}

extension MessageFactory {
    /// `SIPResponse(replyingTo:)`: Via, From, Call-ID and CSeq copied, To tagged. A session answers its customer several
    /// times (1xx, final, retransmissions) with the same tagged To, so it builds that header once and passes it as
    /// `taggedTo`; the header fields are then copied as they are, without parsing and re-serializing To each time.
    static func reply(to request: SIPRequest, statusCode: Int, reasonPhrase: String?, toTag: String?, taggedTo: String?) -> SIPResponse {
        guard let taggedTo else {
            return SIPResponse(replyingTo: request, statusCode: statusCode, reasonPhrase: reasonPhrase, toTag: toTag)
        }
        var fields: [SIPHeaderField] = []
        fields.reserveCapacity(8)
        for field in request.headers.fields {
            switch field.key {
            case .via, .from, .callID, .cseq:
                fields.append(field)
            case .to:
                // RFC 3261 §8.2.6.2: a 100 Trying carries no tag.
                var to = field
                if statusCode != 100 { to.value = taggedTo }
                fields.append(to)
            default:
                continue
            }
        }
        return SIPResponse(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: SIPHeaders(fields))
    }
}

/// The node's own address on one transport, as written into Via and Contact.
struct LocalAddress {
    let transport: SIPTransportProtocol
    let host: String
    let port: Int
    /// `SIP/2.0/UDP host:port;branch=`: our Via up to its branch, the same for every request sent from here.
    let viaPrefix: String
    /// Our Contact header value, the same for every INVITE and every 18x/2xx relayed from here.
    let contact: String
    /// `udp:host:port`, as call legs record the node's side.
    let recordText: String

    // Both headers are built here once instead of by interpolation for every message.
    init(transport: SIPTransportProtocol, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
        self.viaPrefix = "SIP/2.0/\(transport.viaToken) \(host):\(port);branch="
        self.recordText = "\(transport.rawValue):\(host):\(port)"
        switch transport {
        case .udp: self.contact = "<sip:sipswarm@\(host):\(port)>"
        case .tcp: self.contact = "<sip:sipswarm@\(host):\(port);transport=tcp>"
        }
    }
}

/// A provider as the session uses it: resolved destination plus its config identity.
struct ProviderTarget {
    let id: String
    let host: String
    let port: Int
    let destination: SIPDestination
    /// `destination.addressText`, formatted once: every attempt records it, and formatting an address is an
    /// `inet_ntop` and a few strings.
    let addressText: String

    init(id: String, host: String, port: Int, destination: SIPDestination) {
        self.id = id
        self.host = host
        self.port = port
        self.destination = destination
        self.addressText = destination.addressText
    }
}
