/// Everything a node runs on, already validated; built by the TOML loader or directly in code.
public struct NodeConfiguration: Sendable, Hashable {
    /// Node identifier (`[node] id`), part of every record id.
    public var nodeID: String
    /// Sockets to listen on (`[node] listen`).
    public var listen: [ListenAddress]
    /// Root of the record files (`[node] data_dir`).
    public var dataDirectory: String
    /// Longest a session may last before the node ends it (`[node] max_session_duration_s`).
    public var maxSessionDuration: Duration
    /// Budget for a graceful stop (`[node] drain_timeout_s`).
    public var drainTimeout: Duration
    /// Originating carriers (`[[customers]]`).
    public var customers: [CustomerTrunk]
    /// Terminating carriers in file order (`[[providers]]`); use ``orderedProviders`` to route.
    public var providers: [ProviderTrunk]
    /// SIP timers and limits (`[sip]`).
    public var sip: SIPSettings
    /// Ledger checkpoints (`[ledger]`).
    public var ledger: LedgerSettings
    /// Harvest cycle and file rotation (`[records]`).
    public var records: RecordSettings
    /// CDR Restriction thresholds (`[restriction]`).
    public var restriction: RestrictionSettings
    /// Record streams and their NATS connection (`[streams.*]`, `[nats]`).
    public var streams: StreamSettings
    /// Rating, least-cost routing and negotiation (`[rating]`).
    public var rating: RatingSettings
    /// File export targets and retry pacing (`[export]`, `[[exporters]]`).
    public var export: ExportSettings
    /// Peer audit (`[audit]`, `[[peers]]`); nil when neither section is present (audit off).
    public var audit: AuditSettings?
    /// Prometheus metrics endpoint (`[metrics]`); nil when the section is absent (no endpoint).
    public var metrics: MetricsSettings?

    /// Default `[node] data_dir`.
    public static let defaultDataDirectory = "./data"
    /// Default `[node] max_session_duration_s`.
    public static let defaultMaxSessionDuration = Duration.seconds(7200)
    /// Default `[node] drain_timeout_s`.
    public static let defaultDrainTimeout = Duration.seconds(30)

    /// Creates a configuration; optional parts default to the documented defaults.
    public init(
        nodeID: String,
        listen: [ListenAddress],
        dataDirectory: String = NodeConfiguration.defaultDataDirectory,
        maxSessionDuration: Duration = NodeConfiguration.defaultMaxSessionDuration,
        drainTimeout: Duration = NodeConfiguration.defaultDrainTimeout,
        customers: [CustomerTrunk],
        providers: [ProviderTrunk],
        sip: SIPSettings = SIPSettings(),
        ledger: LedgerSettings = LedgerSettings(),
        records: RecordSettings = RecordSettings(),
        restriction: RestrictionSettings = RestrictionSettings(),
        streams: StreamSettings = StreamSettings(),
        rating: RatingSettings = RatingSettings(),
        export: ExportSettings = ExportSettings(),
        audit: AuditSettings? = nil,
        metrics: MetricsSettings? = nil
    ) {
        self.nodeID = nodeID
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.maxSessionDuration = maxSessionDuration
        self.drainTimeout = drainTimeout
        self.customers = customers
        self.providers = providers
        self.sip = sip
        self.ledger = ledger
        self.records = records
        self.restriction = restriction
        self.streams = streams
        self.rating = rating
        self.export = export
        self.audit = audit
        self.metrics = metrics
    }

    /// Providers by ascending priority; equal priorities keep file order.
    public var orderedProviders: [ProviderTrunk] {
        self.providers.enumerated()
            .sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
            .map(\.element)
    }

    /// The customer a request from `ip` belongs to: the longest matching prefix wins, ties go to file order.
    public func customer(for ip: String) -> CustomerTrunk? {
        var best: (customer: CustomerTrunk, length: Int)?
        for customer in self.customers {
            guard let length = customer.longestMatch(ip) else { continue }
            if best.map({ length > $0.length }) ?? true {
                best = (customer, length)
            }
        }
        return best?.customer
    }
}
