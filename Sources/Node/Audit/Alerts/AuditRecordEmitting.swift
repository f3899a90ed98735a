public import Records
public import RecordStore

/// Where audit records go: the node's record writer, which chains, syncs and checkpoints them like its own (and
/// so streams them on the `audit` stream when one is configured). A seam so tests can read what was emitted.
public protocol AuditRecordEmitting: Sendable {
    /// Queues one `audit` record; `fields` hold `event` and `time_us`.
    func emitAudit(_ fields: [String: CanonicalJSON])
}

extension JSONLinesRecordSink: AuditRecordEmitting {}
