import Testing

/// Every integration test starts real processes on fixed loopback ports, so they all
/// run one at a time: `.serialized` applies to each suite nested in this one.
@Suite(.serialized)
struct Integration {}

/// Fixed port blocks, one per test, so a port still in TIME_WAIT from one test never meets the next.
enum Ports {
    static let scenarioPairs = 26_000
    static let harness = 26_100
    static let udpCalls = 25_100
    static let tcpCalls = 25_200
    static let failover = 25_300
    static let cancel = 25_400
    static let providerBye = 25_500
    static let robustness = 25_600
    static let startup = 25_700
}
