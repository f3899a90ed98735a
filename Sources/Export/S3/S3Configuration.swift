import Foundation

/// One `type = "s3"` target (docs/export.md, docs/configuration.md).
public struct S3Configuration: Sendable, Hashable {
    /// Base URL of the service, e.g. `http://127.0.0.1:9000`; nil means AWS: `https://s3.<region>.amazonaws.com`.
    public var endpoint: String?
    public var region: String
    public var bucket: String
    /// Key prefix before the date partitions.
    public var prefix: String
    /// `https://host/bucket/key` instead of `https://bucket.host/key`.
    public var pathStyle: Bool
    public var credentials: AWSCredentials
    /// Files larger than this go up as a multipart upload.
    public var multipartThreshold: Int64
    /// Part size of a multipart upload (S3 wants at least 5 MiB for every part but the last).
    public var partSize: Int
    /// Deadline of one HTTP request.
    public var requestTimeout: Duration

    public static let minimumPartSize = 5 << 20

    public init(
        endpoint: String? = nil, region: String, bucket: String, prefix: String = "", pathStyle: Bool = false,
        credentials: AWSCredentials, multipartThreshold: Int64 = 64 << 20, partSize: Int = 16 << 20,
        requestTimeout: Duration = .seconds(120)
    ) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.pathStyle = pathStyle
        self.credentials = credentials
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.requestTimeout = requestTimeout
    }
}

/// A base URL split into the parts requests are built from.
struct EndpointURL: Sendable, Hashable {
    var scheme: String
    /// `host` or `host:port`, as the `Host` header carries it.
    var authority: String
    /// Path below the authority without a trailing `/` (`""` or `/devstoreaccount1`).
    var basePath: String

    init(parsing text: String) throws(ExportError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw ExportError(.configuration, reason: "endpoint must look like http(s)://host[:port][/path]", retryable: false)
        }
        scheme = String(text[..<schemeEnd.lowerBound]).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ExportError(.configuration, reason: "endpoint scheme must be http or https", retryable: false)
        }
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        authority = String(rest[..<slash])
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains("?") else {
            throw ExportError(.configuration, reason: "endpoint needs a host (and no user info)", retryable: false)
        }
    }

    /// `scheme://authority`.
    var origin: String { "\(scheme)://\(authority)" }
}
