public import RecordStore

/// One export target (`[[exporters]]`): takes a closed record file with its manifest to long-term storage.
///
/// `export` returns only after the target confirmed the upload **and** the exporter checked it (size and SHA-256, or
/// the service's own checksum of the same bytes): the durable queue forgets a file only then. Implementations must
/// be idempotent: after a crash the same file may be exported again and must land under the same name.
public protocol FileExporter: Sendable {
    /// The target's id (`[[exporters]] id`), used in the queue, logs and metrics.
    var targetID: String { get }

    /// Uploads `file` (the record file, then its manifest beside it) and checks what arrived.
    func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt
}

/// A closed record file as the exporters see it.
public struct ExportFile: Sendable, Hashable {
    /// The chain: `cdr`, `attempt`, `bidlog`, `audit`, `checkpoint`.
    public var kind: String
    /// Absolute path of the `.jsonl` file.
    public var path: String
    /// Absolute path of its `.manifest.json`.
    public var manifestPath: String
    /// The name to store it under, relative to a target's prefix: `<kind>/<file name>`.
    public var relativeName: String
    /// Size and SHA-256 (lowercase hex) of the file, from its manifest.
    public var size: Int64
    public var sha256Hex: String

    public init(kind: String, path: String, manifestPath: String, relativeName: String, size: Int64, sha256Hex: String) {
        self.kind = kind
        self.path = path
        self.manifestPath = manifestPath
        self.relativeName = relativeName
        self.size = size
        self.sha256Hex = sha256Hex
    }
}

/// What a target confirmed for one file.
public struct ExportReceipt: Sendable, Hashable {
    /// Where the file is now, e.g. `s3://bucket/prefix/2026/11/27/cdr/cdr-n1-….jsonl`.
    public var location: String
    /// How the upload was checked, e.g. `sha256`, `content-md5`, `x-amz-checksum-sha256`, `size+sha256 (sftp re-read)`.
    public var verifiedBy: String

    public init(location: String, verifiedBy: String) {
        self.location = location
        self.verifiedBy = verifiedBy
    }
}
