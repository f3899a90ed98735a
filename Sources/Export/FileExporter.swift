import Records

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
    /// When the file was closed (its modification time), UTC seconds since the epoch. A closed file is never written
    /// again, so this is stable across re-exports and picks the object stores' date partition.
    public var closedAtSeconds: Int64

    public init(
        kind: String, path: String, manifestPath: String, relativeName: String, size: Int64, sha256Hex: String,
        closedAtSeconds: Int64 = 0
    ) {
        self.kind = kind
        self.path = path
        self.manifestPath = manifestPath
        self.relativeName = relativeName
        self.size = size
        self.sha256Hex = sha256Hex
        self.closedAtSeconds = closedAtSeconds
    }

    /// The file's name without folder.
    public var fileName: String {
        relativeName.split(separator: "/").last.map(String.init) ?? relativeName
    }

    /// `YYYY/MM/DD` of `closedAtSeconds` in UTC: the date partition of the object stores.
    public var datePartition: String {
        let stamp = Array(UTCTimestamp.compact(microseconds: closedAtSeconds * 1_000_000))
        return String(stamp[0..<4]) + "/" + String(stamp[4..<6]) + "/" + String(stamp[6..<8])
    }

    /// `prefix/YYYY/MM/DD/<kind>/<file>` (no leading `/`; an empty prefix adds nothing).
    public func objectKey(prefix: String) -> String {
        let trimmed = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        let tail = "\(datePartition)/\(kind)/\(fileName)"
        return trimmed.isEmpty ? tail : "\(trimmed)/\(tail)"
    }

    /// The object key of the manifest beside `objectKey(prefix:)`.
    public func manifestObjectKey(prefix: String) -> String {
        objectKey(prefix: prefix) + ".manifest.json"
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
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
