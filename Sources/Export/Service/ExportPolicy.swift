/// How the export service paces itself (`[export]`, docs/export.md).
public struct ExportPolicy: Sendable, Hashable {
    /// First retry delay after a failure (`retry_base_ms`).
    public var retryBase: Duration
    /// Longest retry delay (`retry_max_ms`).
    public var retryMax: Duration
    /// Uploads in flight per target (`max_concurrent_uploads`).
    public var maxConcurrentUploads: Int
    /// How often the data directory is scanned for closed files nobody reported (`scan_interval_s`).
    public var scanInterval: Duration
    /// How long a reported file may wait for its manifest before the periodic scan takes over.
    public var manifestWait: Duration

    public init(
        retryBase: Duration = .seconds(1),
        retryMax: Duration = .seconds(300),
        maxConcurrentUploads: Int = 2,
        scanInterval: Duration = .seconds(60),
        manifestWait: Duration = .seconds(30)
    ) {
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.maxConcurrentUploads = max(1, maxConcurrentUploads)
        self.scanInterval = scanInterval
        self.manifestWait = manifestWait
    }
}

/// One configured target: its exporter and the record kinds it takes.
public struct ExportTarget: Sendable {
    public var exporter: any FileExporter
    public var kinds: Set<String>

    public init(exporter: any FileExporter, kinds: Set<String>) {
        self.exporter = exporter
        self.kinds = kinds
    }
}
