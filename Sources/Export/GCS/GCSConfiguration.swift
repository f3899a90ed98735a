/// How a GCS target authorizes.
public enum GCSAuthorization: Sendable, Hashable, CustomStringConvertible {
    /// A service-account key file (JSON): its key signs a JWT that the file's `token_uri` exchanges for a token.
    case serviceAccountFile(String)
    /// A bearer token used as is.
    case token(String)
    /// HMAC keys: the XML API with AWS SigV4 (Cloud Storage's S3-compatible interoperability, region `auto`).
    case hmac(accessID: String, secret: String)

    public var description: String {
        switch self {
        case .serviceAccountFile(let path): "service account \(path)"
        case .token: "static token (redacted)"
        case .hmac(let accessID, _): "HMAC key \(accessID) (secret redacted)"
        }
    }
}

/// One `type = "gcs"` target.
public struct GCSConfiguration: Sendable, Hashable {
    /// Base URL, e.g. `http://127.0.0.1:9023`; nil means `https://storage.googleapis.com`.
    public var endpoint: String?
    public var bucket: String
    public var prefix: String
    public var authorization: GCSAuthorization
    /// Files larger than this use a resumable upload (JSON API).
    public var resumableThreshold: Int64
    /// Bytes per resumable chunk; a multiple of 256 KiB.
    public var chunkSize: Int
    public var requestTimeout: Duration

    public init(
        endpoint: String? = nil, bucket: String, prefix: String = "", authorization: GCSAuthorization,
        resumableThreshold: Int64 = 16 << 20, chunkSize: Int = 8 << 20, requestTimeout: Duration = .seconds(120)
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.authorization = authorization
        self.resumableThreshold = resumableThreshold
        self.chunkSize = max(256 << 10, chunkSize / (256 << 10) * (256 << 10))
        self.requestTimeout = requestTimeout
    }
}
