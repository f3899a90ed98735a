/// Peer audit settings (`[audit]` and `[[peers]]`): where the admin SIP plane listens, how often this node
/// publishes its checkpoint to its peers, and who those peers are (docs/audit.md).
public struct AuditSettings: Sendable, Hashable {
    /// Sockets of the admin SIP plane (`[audit] listen`), separate from the B2BUA's.
    public var listen: [ListenAddress]
    /// Time between two publications of the latest checkpoint to every peer (`[audit] publish_interval_s`).
    public var publishInterval: Duration
    /// The `Event` package of the checkpoint PUBLISH (`[audit] event_package`).
    public var eventPackage: String
    /// A peer unheard for more than this many publish intervals raises a `silent` alert (`[audit] silent_after_intervals`).
    public var silentAfterIntervals: Int
    /// How far answer and end times of one call may differ between two nodes' CDRs (`[audit] reconcile_tolerance_ms`).
    public var reconcileTolerance: Duration
    /// The nodes that witness this one and that it witnesses (`[[peers]]`), in file order.
    public var peers: [PeerSettings]

    /// Default `[audit] listen`.
    public static let defaultListen = [ListenAddress(transport: .tcp, host: "127.0.0.1", port: 5062)]
    /// Default `[audit] publish_interval_s`.
    public static let defaultPublishInterval = Duration.seconds(60)
    /// Default `[audit] event_package`.
    public static let defaultEventPackage = "sipswarm-checkpoint"
    /// Default `[audit] silent_after_intervals`.
    public static let defaultSilentAfterIntervals = 3
    /// Default `[audit] reconcile_tolerance_ms`.
    public static let defaultReconcileTolerance = Duration.milliseconds(1000)

    /// Creates settings; every argument defaults to the documented default.
    public init(
        listen: [ListenAddress] = AuditSettings.defaultListen,
        publishInterval: Duration = AuditSettings.defaultPublishInterval,
        eventPackage: String = AuditSettings.defaultEventPackage,
        silentAfterIntervals: Int = AuditSettings.defaultSilentAfterIntervals,
        reconcileTolerance: Duration = AuditSettings.defaultReconcileTolerance,
        peers: [PeerSettings] = []
    ) {
        self.listen = listen
        self.publishInterval = publishInterval
        self.eventPackage = eventPackage
        self.silentAfterIntervals = silentAfterIntervals
        self.reconcileTolerance = reconcileTolerance
        self.peers = peers
    }

    /// How long a peer may stay unheard before it counts as silent.
    public var silenceThreshold: Duration { publishInterval * silentAfterIntervals }

    /// The peer with this node id.
    public func peer(id: String) -> PeerSettings? {
        peers.first { $0.id == id }
    }
}
