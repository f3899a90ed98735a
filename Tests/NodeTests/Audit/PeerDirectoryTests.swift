import NIOCore
import SIPCore
import SIPTransport
import Testing
@testable import Node

@Suite struct PeerDirectoryTests {
    let directory = PeerDirectory(peers: [
        PeerSettings(id: "b", uri: "sip:audit@127.0.0.1:5062", host: "127.0.0.1", port: 5062, transport: .tcp, publicKey: []),
        PeerSettings(id: "c", uri: "sip:audit@10.0.0.3:5062", host: "10.0.0.3", port: 5062, transport: .tcp, publicKey: []),
    ])

    func request(node: String?) -> SIPRequest {
        var request = SIPRequest(method: .publish, uri: SIPURI(user: "audit", host: "127.0.0.1", port: 5062))
        if let node { request.headers.append("X-BF-Node", node) }
        return request
    }

    func source(_ ip: String) throws -> SIPSource {
        SIPSource(transport: .tcp, remote: try SocketAddress(ipAddress: ip, port: 40000), connection: nil)
    }

    @Test func admitsAConfiguredPeerFromItsAddress() throws {
        #expect(try directory.admit(request(node: "b"), from: source("127.0.0.1")).get().id == "b")
        #expect(try directory.admit(request(node: "c"), from: source("::ffff:10.0.0.3")).get().id == "c")
    }

    @Test func refusesUnknownNodesWrongAddressesAndMissingHeaders() throws {
        #expect(throws: PeerDirectory.Refusal.unknownPeer("x")) { try directory.admit(request(node: "x"), from: source("127.0.0.1")).get() }
        #expect(throws: PeerDirectory.Refusal.wrongSourceAddress(peer: "b", source: "127.0.0.2")) {
            try directory.admit(request(node: "b"), from: source("127.0.0.2")).get()
        }
        // A configured peer's address does not make another peer's id acceptable.
        #expect(throws: PeerDirectory.Refusal.wrongSourceAddress(peer: "c", source: "127.0.0.1")) {
            try directory.admit(request(node: "c"), from: source("127.0.0.1")).get()
        }
        #expect(throws: PeerDirectory.Refusal.missingNodeHeader) { try directory.admit(request(node: nil), from: source("127.0.0.1")).get() }
    }
}
