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
    /// Rated calls (`Rating/`), 25 ports each: node at +0, providers at +5 and +6, customer at +10.
    /// (26 700-27 299 belong to the NATS and MQAL tests.)
    /// The node, sipp and a nats-server (client port +60, monitor +61) of the JetStream zero-loss run.
    static let jetStreamZeroLoss = 26_600
    /// The same for the node killed while the broker is down.
    static let jetStreamKill = 25_800
    /// The same with a three-server cluster (clients +60…62, monitors +63…65, routes +66…68).
    static let jetStreamCluster = 25_900
    static let ratedReceiptConfirmed = 27_300
    static let ratedReceiptMissing = 27_325
    static let ratedCounterOffer = 27_350
    static let ratedParallelCancel = 27_375
    static let ratedParallelVoided = 27_400
    static let ratedMessage = 27_425
    static let ratedUnknownDestination = 27_450
    static let ratedPlainCarrier = 27_475
}
