import SIPCore
import Foundation

/// One peer node (`[[peers]]`): its node id, where its admin plane listens and the Ed25519 key its checkpoints
/// must be signed with.
public struct PeerSettings: Sendable, Hashable {
    /// The peer's `[node] id`; its checkpoints must name it and its requests carry it in `X-BF-Node`.
    public var id: String
    /// The peer's admin-plane URI as configured (`sip:audit@127.0.0.1:5062;transport=tcp`).
    public var uri: String
    /// IP literal of the peer, without brackets: where PUBLISH goes, and the only source address accepted from it.
    public var host: String
    /// Admin-plane port of the peer.
    public var port: Int
    /// UDP or TCP (the URI's `transport` parameter; UDP when absent, as RFC 3261 says).
    public var transport: SIPTransportKind
    /// The peer's 32-byte Ed25519 public key (`sipswarm key show` on the peer prints it in base64).
    public var publicKey: [UInt8]

    /// Creates peer settings from validated parts.
    public init(id: String, uri: String, host: String, port: Int, transport: SIPTransportKind, publicKey: [UInt8]) {
        self.id = id
        self.uri = uri
        self.host = host
        self.port = port
        self.transport = transport
        self.publicKey = publicKey
    }

    /// Parses the `uri` and `public_key` of a `[[peers]]` table.
    ///
    /// The host must be an IP literal: the admin plane admits a request by its source address, and a name would
    /// make that check depend on a resolver at request time.
    public init(id: String, uri: String, publicKeyBase64: String) throws(PeerSettingsError) {
        let parsed: SIPURI
        do {
            parsed = try SIPURI(parsing: uri)
        } catch {
            throw PeerSettingsError(.uri, "expected a sip URI such as \"sip:audit@127.0.0.1:5062;transport=tcp\", got \(quoted(uri))")
        }
        guard parsed.scheme == .sip else {
            throw PeerSettingsError(.uri, "must be a sip: URI (sips and tel are not supported), got \(quoted(uri))")
        }
        let host = parsed.host.hasPrefix("[") && parsed.host.hasSuffix("]") ? String(parsed.host.dropFirst().dropLast()) : parsed.host
        guard IPAddress(parsing: host) != nil else {
            throw PeerSettingsError(.uri, "host must be an IP address (requests are admitted by source address), got \(quoted(parsed.host))")
        }
        let port = parsed.port ?? 5060
        guard HostAndPort.isValidPort(port) else {
            throw PeerSettingsError(.uri, "port must be 1-65535, got \(port)")
        }
        var transport = SIPTransportKind.udp
        if let value = parsed.parameters["transport"] {
            do {
                transport = try SIPTransportKind(parsing: (value ?? "").lowercased())
            } catch {
                throw PeerSettingsError(.uri, "transport must be udp or tcp, got \(quoted(value ?? ""))")
            }
        }
        guard let key = Data(base64Encoded: publicKeyBase64), key.count == 32 else {
            throw PeerSettingsError(.publicKey, "must be base64 of a 32-byte Ed25519 public key (`sipswarm key show` on the peer)")
        }
        self.init(id: id, uri: uri, host: host, port: port, transport: transport, publicKey: Array(key))
    }
}

/// A `[[peers]]` value that could not be used; `field` says which key.
public struct PeerSettingsError: Error, Sendable, CustomStringConvertible {
    /// The key the problem is in.
    public enum Field: Sendable, Hashable {
        case uri
        case publicKey
    }

    /// The key the problem is in.
    public var field: Field
    /// One line saying what was expected and what was found.
    public var reason: String

    init(_ field: Field, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }
}
