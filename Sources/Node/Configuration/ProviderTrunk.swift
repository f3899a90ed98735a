/// A terminating carrier the node sends calls to.
public struct ProviderTrunk: Sendable, Hashable {
    /// Identifier written into records.
    public var id: String
    /// Host name or IP literal, without brackets.
    public var host: String
    /// Port, 1...65535.
    public var port: Int
    /// UDP or TCP.
    public var transport: SIPTransportKind
    /// Lower is tried first; equal priorities keep file order.
    public var priority: Int

    /// Creates a provider trunk.
    public init(id: String, host: String, port: Int, transport: SIPTransportKind = .udp, priority: Int = 1) {
        self.id = id
        self.host = host
        self.port = port
        self.transport = transport
        self.priority = priority
    }
}
