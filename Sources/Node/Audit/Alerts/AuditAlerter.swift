public import Logging
public import Metrics
public import Records

/// Raises audit alerts the four ways docs/audit.md promises: an `audit_alert` audit record (chained, signed by the
/// next checkpoint and streamed with the `audit` chain), a critical log line, and the counter
/// `sipswarm_audit_alerts_total{alert, peer}`.
public struct AuditAlerter: Sendable {
    /// The metric every alert increments.
    public static let metricLabel = "sipswarm_audit_alerts_total"

    private let records: any AuditRecordEmitting
    private let logger: Logger
    private let metrics: (any MetricsFactory)?
    private let clock: any MicrosecondClock

    /// `metrics` nil uses the global metrics system (what `serve` does); tests pass a `TestMetrics`.
    public init(records: any AuditRecordEmitting, logger: Logger, metrics: (any MetricsFactory)? = nil, clock: any MicrosecondClock = SystemMicrosecondClock()) {
        self.records = records
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
    }

    /// Raises `alert`; `evidence` names the evidence file (relative to `DATA/witness/`) when one was kept.
    public func raise(_ alert: AuditAlert, evidence: String? = nil) {
        var fields = alert.details
        fields["event"] = .string("audit_alert")
        fields["alert"] = .string(alert.code)
        fields["peer"] = .string(alert.peer)
        fields["reason"] = .string(alert.reason)
        fields["time_us"] = .integer(clock.nowMicroseconds())
        if let evidence { fields["evidence"] = .string("witness/" + evidence) }
        records.emitAudit(fields)
        var metadata: Logger.Metadata = ["alert": "\(alert.code)", "peer": "\(alert.peer)", "reason": "\(alert.reason)"]
        if let evidence { metadata["evidence"] = "witness/\(evidence)" }
        logger.critical("audit alert", metadata: metadata)
        let dimensions = [("alert", alert.code), ("peer", alert.peer)]
        if let metrics {
            Counter(label: Self.metricLabel, dimensions: dimensions, factory: metrics).increment()
        } else {
            Counter(label: Self.metricLabel, dimensions: dimensions).increment()
        }
    }
}
