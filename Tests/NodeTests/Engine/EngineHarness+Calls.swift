import NIOCore
@testable import Node
import SIPCore
import Testing

/// The provider's side of one B leg: builds its in-dialog requests from the INVITE the node sent.
struct ProviderLeg {
    /// The INVITE (or MESSAGE) the node sent to this provider.
    let invite: SIPRequest
    var tag = "prov-tag"
    var port = 5080

    private func header(_ name: String, _ value: String) -> String { "\(name): \(value)" }

    func request(
        _ method: String, cseq: Int, branch: String, headers: [String] = [], body: String = "", contentType: String = "application/sdp"
    ) -> SIPRequest {
        var to = (try? SIPNameAddress(parsing: invite.headers[.to] ?? ""))
        to?.tag = tag
        let lines = [
            "\(method) sip:sipswarm@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(port);branch=\(branch)",
            "Max-Forwards: 70",
            header("From", to?.description ?? ""),
            header("To", invite.headers[.from] ?? ""),
            header("Call-ID", invite.callID ?? ""),
            "CSeq: \(cseq) \(method)",
            "Contact: <sip:bob@127.0.0.1:\(port)>",
        ] + headers
        return SIPText.request(lines, body: body, contentType: contentType)
    }
}

/// A call brought up the ordinary way: INVITE, p1 180, p1 200 (with `answerHeaders`), customer ACK.
struct EstablishedCall {
    var customer: CustomerCall
    let provider: ProviderLeg
}

extension EngineHarness {
    /// Sends the customer's INVITE and returns the INVITE the node sent to the given provider port.
    func startCall(_ customer: CustomerCall = CustomerCall()) -> SIPRequest? {
        receive(customer.invite())
        let sent = takeSent()
        #expect(sent.routed == ["100→5070", "\(customer.method)→5080"])
        return sent.last?.request
    }

    /// INVITE → 180 → 200 → ACK, each 100 ms apart; clears what was sent.
    func establishCall(_ customer: CustomerCall = CustomerCall(), answerHeaders: [(String, String)] = []) -> EstablishedCall? {
        var customer = customer
        guard let invite = startCall(customer) else { return nil }
        advance(by: .milliseconds(100))
        receive(Reply.to(invite, 180), from: Self.p1Address)
        advance(by: .milliseconds(100))
        receive(Reply.to(invite, 200, headers: answerHeaders, body: Reply.answer), from: Self.p1Address)
        let sent = takeSent()
        #expect(sent.routed == ["180→5070", "ACK→5080", "200→5070"])
        customer.toTag = sent.last?.response?.to?.tag
        advance(by: .milliseconds(100))
        receive(customer.ack())
        #expect(takeSent().isEmpty)
        return EstablishedCall(customer: customer, provider: ProviderLeg(invite: invite))
    }
}
