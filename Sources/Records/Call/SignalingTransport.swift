/// The transport a leg's signalling used.
public enum SignalingTransport: String, Sendable, Equatable, CaseIterable {
    case udp
    case tcp
    case tls
}
