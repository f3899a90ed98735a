/// File export (`[export]` and `[[exporters]]`, docs/export.md): where closed record files go and how failed uploads
/// are retried. Secrets are kept here as the loader read them and never appear in `description`.
public struct ExportSettings: Sendable, Hashable, CustomStringConvertible {
    /// Kinds a target takes when `kinds` is not given: every chain.
    public static let allKinds = ["attempt", "audit", "bidlog", "cdr", "checkpoint"]

    /// First retry delay (`retry_base_ms`).
    public var retryBase: Duration
    /// Longest retry delay (`retry_max_ms`).
    public var retryMax: Duration
    /// Uploads in flight per target (`max_concurrent_uploads`).
    public var maxConcurrentUploads: Int
    /// Rescan of the data directory for closed files (`scan_interval_s`).
    public var scanInterval: Duration
    /// The targets (`[[exporters]]`), in file order.
    public var exporters: [ExporterSettings]

    public init(
        retryBase: Duration = .seconds(1), retryMax: Duration = .seconds(300), maxConcurrentUploads: Int = 2,
        scanInterval: Duration = .seconds(60), exporters: [ExporterSettings] = []
    ) {
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.maxConcurrentUploads = maxConcurrentUploads
        self.scanInterval = scanInterval
        self.exporters = exporters
    }

    public var description: String {
        "ExportSettings(retry \(retryBase)...\(retryMax), \(exporters.count) exporters: \(exporters.map(\.description).joined(separator: ", ")))"
    }
}

/// One `[[exporters]]` table.
public struct ExporterSettings: Sendable, Hashable, CustomStringConvertible {
    /// `id`: names the target in the queue folder, logs and metrics.
    public var id: String
    /// `kinds`: the record kinds this target takes.
    public var kinds: [String]
    /// `type` and its keys.
    public var target: ExporterTarget

    public init(id: String, kinds: [String] = ExportSettings.allKinds, target: ExporterTarget) {
        self.id = id
        self.kinds = kinds
        self.target = target
    }

    public var description: String { "\(id) (\(target.typeName), kinds \(kinds.joined(separator: ",")))" }
}

/// The target of one exporter, with the keys of its `type`.
public enum ExporterTarget: Sendable, Hashable {
    case local(directory: String)
    case s3(S3ExportSettings)
    case azure(AzureExportSettings)
    case gcs(GCSExportSettings)
    case sftp(SFTPExportSettings)

    /// The `type` value.
    public var typeName: String {
        switch self {
        case .local: "local"
        case .s3: "s3"
        case .azure: "azure"
        case .gcs: "gcs"
        case .sftp: "sftp"
        }
    }
}

/// `type = "s3"`.
public struct S3ExportSettings: Sendable, Hashable {
    public var endpoint: String?
    public var region: String
    public var bucket: String
    public var prefix: String
    public var pathStyle: Bool
    /// Both nil: taken from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` at start.
    public var accessKeyID: String?
    public var secretAccessKey: String?
    public var sessionToken: String?
    public var multipartThresholdBytes: Int
    public var partSizeBytes: Int

    public init(
        endpoint: String? = nil, region: String = "us-east-1", bucket: String, prefix: String = "", pathStyle: Bool = false,
        accessKeyID: String? = nil, secretAccessKey: String? = nil, sessionToken: String? = nil,
        multipartThresholdBytes: Int = 64 << 20, partSizeBytes: Int = 16 << 20
    ) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.pathStyle = pathStyle
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.multipartThresholdBytes = multipartThresholdBytes
        self.partSizeBytes = partSizeBytes
    }
}

/// `type = "azure"`.
public struct AzureExportSettings: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        case sharedKey(String)
        case sasToken(String)
    }

    public var endpoint: String?
    public var account: String
    public var container: String
    public var prefix: String
    public var credential: Credential
    public var blockThresholdBytes: Int
    public var blockSizeBytes: Int

    public init(
        endpoint: String? = nil, account: String, container: String, prefix: String = "", credential: Credential,
        blockThresholdBytes: Int = 64 << 20, blockSizeBytes: Int = 8 << 20
    ) {
        self.endpoint = endpoint
        self.account = account
        self.container = container
        self.prefix = prefix
        self.credential = credential
        self.blockThresholdBytes = blockThresholdBytes
        self.blockSizeBytes = blockSizeBytes
    }
}

/// `type = "gcs"`.
public struct GCSExportSettings: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        case serviceAccountFile(String)
        case token(String)
        case hmac(accessID: String, secret: String)
    }

    public var endpoint: String?
    public var bucket: String
    public var prefix: String
    public var credential: Credential
    public var resumableThresholdBytes: Int
    public var chunkSizeBytes: Int

    public init(
        endpoint: String? = nil, bucket: String, prefix: String = "", credential: Credential,
        resumableThresholdBytes: Int = 16 << 20, chunkSizeBytes: Int = 8 << 20
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.credential = credential
        self.resumableThresholdBytes = resumableThresholdBytes
        self.chunkSizeBytes = chunkSizeBytes
    }
}

/// `type = "sftp"`.
public struct SFTPExportSettings: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        case privateKeyFile(String)
        case password(String)
    }

    public var host: String
    public var port: Int
    public var user: String
    public var credential: Credential
    public var knownHostsFile: String
    public var remoteDirectory: String

    public init(host: String, port: Int = 22, user: String, credential: Credential, knownHostsFile: String, remoteDirectory: String) {
        self.host = host
        self.port = port
        self.user = user
        self.credential = credential
        self.knownHostsFile = knownHostsFile
        self.remoteDirectory = remoteDirectory
    }
}
