/// One (target, file) pair waiting for export: `DATA/export/queue/<target>/<kind>/<file>.json` (docs/export.md).
/// Written once when the file is queued and removed after the target's receipt; attempts live in memory only, so a
/// retry never rewrites it.
struct QueueEntry: Codable, Sendable, Hashable {
    var target: String
    var kind: String
    var file: String
    var path: String
    var manifest: String
    var bytes: Int64
    var sha256: String
    var firstSeq: Int64
    var closedAt: Int64
    /// When it was queued, UTC microseconds.
    var queuedAt: Int64

    enum CodingKeys: String, CodingKey {
        case target, kind, file, path, manifest, bytes, sha256
        case firstSeq = "first_seq"
        case closedAt = "closed_at"
        case queuedAt = "queued_at_us"
    }

    init(target: String, checked: CheckedFile, queuedAt: Int64) {
        self.target = target
        self.kind = checked.file.kind
        self.file = checked.file.fileName
        self.path = checked.file.path
        self.manifest = checked.file.manifestPath
        self.bytes = checked.file.size
        self.sha256 = checked.file.sha256Hex
        self.firstSeq = checked.firstSeq
        self.closedAt = checked.file.closedAtSeconds
        self.queuedAt = queuedAt
    }

    var key: QueueKey { QueueKey(target: target, kind: kind, file: file) }

    var exportFile: ExportFile {
        ExportFile(
            kind: kind, path: path, manifestPath: manifest, relativeName: "\(kind)/\(file)", size: bytes, sha256Hex: sha256,
            closedAtSeconds: closedAt
        )
    }

    /// Export order within a target: by kind, then by the chain's order.
    static func exportOrder(_ a: QueueEntry, _ b: QueueEntry) -> Bool {
        (a.kind, a.firstSeq, a.file) < (b.kind, b.firstSeq, b.file)
    }
}

/// Identifies a queue entry and its done record.
struct QueueKey: Hashable, Sendable {
    var target: String
    var kind: String
    var file: String
}
