import Foundation
import NIOCore
public import SIPCore
public import SIPTransport

/// The configured peers, and the admission rule of the admin plane: a request is a peer's only when its
/// `X-BF-Node` names a configured peer and its source IP is that peer's configured address.
public struct PeerDirectory: Sendable {
    /// Why a request was not admitted (each is answered 403 and changes nothing).
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// No `X-BF-Node` header.
        case missingNodeHeader
        /// `X-BF-Node` names no configured peer.
        case unknownPeer(String)
        /// The source IP is not the named peer's configured address.
        case wrongSourceAddress(peer: String, source: String)

        public var description: String {
            switch self {
            case .missingNodeHeader: "no \(AuditWire.nodeHeader) header"
            case .unknownPeer(let id): "\(AuditWire.nodeHeader) \(id.prefix(64)) is not a configured peer"
            case .wrongSourceAddress(let peer, let source): "peer \(peer) must send from its configured address, not \(source)"
            }
        }
    }

    /// The peers in configuration order.
    public let peers: [PeerSettings]
    private let byID: [String: PeerSettings]
    private let addresses: [String: IPAddress]

    /// A directory of `peers` (ids are unique; the loader checks it).
    public init(peers: [PeerSettings]) {
        self.peers = peers
        var byID: [String: PeerSettings] = [:]
        var addresses: [String: IPAddress] = [:]
        for peer in peers {
            byID[peer.id] = peer
            addresses[peer.id] = IPAddress(parsing: peer.host)
        }
        self.byID = byID
        self.addresses = addresses
    }

    /// The peer with this id.
    public func peer(id: String) -> PeerSettings? { byID[id] }

    /// The peer a request comes from, or why it is refused.
    public func admit(_ request: SIPRequest, from source: SIPSource) -> Result<PeerSettings, Refusal> {
        guard let claimed = request.headers[SIPHeaderName(AuditWire.nodeHeader)]?.trimmingCharacters(in: .whitespaces), !claimed.isEmpty else {
            return .failure(.missingNodeHeader)
        }
        guard let peer = byID[claimed] else { return .failure(.unknownPeer(claimed)) }
        let sourceText = source.remote.ipAddress ?? "?"
        guard let expected = addresses[peer.id], let actual = IPAddress(parsing: sourceText), Self.same(expected, actual) else {
            return .failure(.wrongSourceAddress(peer: peer.id, source: sourceText))
        }
        return .success(peer)
    }

    // An IPv4 peer reached over an IPv6 socket shows up as ::ffff:a.b.c.d.
    private static func same(_ expected: IPAddress, _ actual: IPAddress) -> Bool {
        if expected == actual { return true }
        switch (expected.family, actual.family) {
        case (.ipv4, .ipv6):
            return actual.bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] && Array(actual.bytes.suffix(4)) == expected.bytes
        case (.ipv4, .ipv4), (.ipv6, .ipv6), (.ipv6, .ipv4):
            return false
        }
    }
}
