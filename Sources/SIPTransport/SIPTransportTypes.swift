public import NIOCore
public import SIPCore

/// The transport protocols the node speaks.
public enum SIPTransportProtocol: String, Sendable, Hashable {
    case udp, tcp

    /// Token for the Via header.
    public var viaToken: String {
        switch self {
        case .udp: "UDP"
        case .tcp: "TCP"
        }
    }
}

/// Identifies one TCP connection for the lifetime of the transport layer.
public struct SIPConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public var description: String { "tcp#\(rawValue)" }
}

/// Where a message came from.
public struct SIPSource: Sendable {
    public let transport: SIPTransportProtocol
    public let remote: SocketAddress
    /// The TCP connection it arrived on (responses go back on it, RFC 3261 §18.2.2).
    public let connection: SIPConnectionID?

    public init(transport: SIPTransportProtocol, remote: SocketAddress, connection: SIPConnectionID?) {
        self.transport = transport
        self.remote = remote
        self.connection = connection
    }

    /// A destination that answers the sender the way RFC 3261 §18.2.2 / RFC 3581 say.
    public var replyDestination: SIPDestination {
        SIPDestination(transport: transport, address: remote, connection: connection)
    }

    /// `udp:127.0.0.1:5070` style text for records and logs.
    public var addressText: String { "\(transport.rawValue):\(remote.ipAddress ?? "?"):\(remote.port ?? 0)" }
}

/// Where a message goes.
public struct SIPDestination: Sendable, Hashable {
    public let transport: SIPTransportProtocol
    public let address: SocketAddress
    /// Prefer this TCP connection while it is open; otherwise reuse or open one to `address`.
    public let connection: SIPConnectionID?

    public init(transport: SIPTransportProtocol, address: SocketAddress, connection: SIPConnectionID? = nil) {
        self.transport = transport
        self.address = address
        self.connection = connection
    }

    /// `udp:127.0.0.1:5080` style text for records and logs.
    public var addressText: String { "\(transport.rawValue):\(address.ipAddress ?? "?"):\(address.port ?? 0)" }
}

/// Receives what the transport layer reads. Called on the transport's event loop.
public protocol SIPTransportDelegate: AnyObject {
    /// A well-formed message.
    func transportReceived(_ message: SIPMessage, from source: SIPSource)
    /// Bytes that did not parse; the receiver decides whether a 400 can be sent.
    func transportReceivedMalformed(_ bytes: ByteBuffer, error: SIPParseError, from source: SIPSource)
    /// A message could not be sent (TCP connect refused, connection reset).
    func transportFailedToSend(to destination: SIPDestination, error: any Error)
}

/// Counters for operations; read on the event loop.
public struct SIPTransportCounters: Sendable {
    public var received: UInt64 = 0
    public var malformed: UInt64 = 0
    public var sent: UInt64 = 0
    public var sendFailures: UInt64 = 0
    public var connectionsAccepted: UInt64 = 0
    public var connectionsOpened: UInt64 = 0
    public var framingErrors: UInt64 = 0
}
