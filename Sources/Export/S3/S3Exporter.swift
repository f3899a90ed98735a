import Crypto
import Foundation

/// `type = "s3"`: AWS S3 or an S3-compatible store (docs/export.md). Each file goes to
/// `prefix/YYYY/MM/DD/<kind>/<file>` with its manifest beside it, signed with SigV4 over the real payload hash;
/// `x-amz-checksum-sha256` lets the server check the bytes, and a HEAD afterwards checks size and stored SHA-256.
/// Files above `multipartThreshold` go up as a multipart upload, each part with its own checksum.
public struct S3Exporter: FileExporter {
    public let targetID: String
    let configuration: S3Configuration
    let endpoint: EndpointURL
    let transport: HTTPTransport
    let now: @Sendable () -> Int64

    public init(targetID: String, configuration: S3Configuration) throws(ExportError) {
        try self.init(targetID: targetID, configuration: configuration, transport: HTTPTransport())
    }

    init(
        targetID: String, configuration: S3Configuration, transport: HTTPTransport,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws(ExportError) {
        self.targetID = targetID
        self.configuration = configuration
        self.endpoint = try EndpointURL(parsing: configuration.endpoint ?? "https://s3.\(configuration.region).amazonaws.com")
        self.transport = transport
        self.now = now
    }

    public func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let key = file.objectKey(prefix: configuration.prefix)
        let checksum: String?
        if file.size > configuration.multipartThreshold {
            try await S3MultipartUpload(exporter: self, key: key, file: file).run()
            checksum = nil
        } else {
            checksum = try await putSmall(path: file.path, key: key, expectedSHA256: file.sha256Hex)
        }
        _ = try await putSmall(path: file.manifestPath, key: file.manifestObjectKey(prefix: configuration.prefix), expectedSHA256: nil)
        try await verify(key: key, file: file, checksum: checksum)
        return ExportReceipt(
            location: "s3://\(configuration.bucket)/\(key)",
            verifiedBy: checksum == nil ? "part checksums+HEAD size+sha256 metadata" : "x-amz-checksum-sha256+HEAD size+sha256 metadata"
        )
    }

    /// PUTs a whole small file; returns the base64 SHA-256 the server was asked to check.
    private func putSmall(path: String, key: String, expectedSHA256: String?) async throws(ExportError) -> String {
        let chunks = try FileChunks(path: path)
        let bytes = try chunks.read(offset: 0, count: Int(configuration.multipartThreshold) + 1)
        let sha = Array(SHA256.hash(data: bytes))
        if let expectedSHA256, Hex.encode(sha) != expectedSHA256 {
            throw ManifestCheck.damage("\(path) no longer matches its manifest")
        }
        let checksum = Data(sha).base64EncodedString()
        let reply = try await send(
            "PUT", key: key, query: [],
            headers: [
                ("content-type", "application/octet-stream"), ("x-amz-checksum-sha256", checksum),
                ("x-amz-meta-sha256", Hex.encode(sha)),
            ],
            body: bytes, payloadHash: Hex.encode(sha), what: "S3 PUT \(key)"
        )
        guard reply.isSuccess else { throw reply.failure("S3 PUT \(key)") }
        if let echoed = reply.header("x-amz-checksum-sha256"), echoed != checksum {
            throw ExportError(.verificationFailed, reason: "S3 PUT \(key): server checksum differs", retryable: true)
        }
        return checksum
    }

    private func verify(key: String, file: ExportFile, checksum: String?) async throws(ExportError) {
        let reply = try await send(
            "HEAD", key: key, query: [], headers: [("x-amz-checksum-mode", "ENABLED")], body: nil,
            payloadHash: Self.emptyHash, what: "S3 HEAD \(key)"
        )
        guard reply.isSuccess else { throw reply.failure("S3 HEAD \(key)") }
        guard reply.header("content-length").flatMap(Int64.init) == file.size else {
            throw ExportError(.verificationFailed, reason: "S3 HEAD \(key): stored size differs from \(file.size)", retryable: true)
        }
        guard reply.header("x-amz-meta-sha256") == file.sha256Hex else {
            throw ExportError(.verificationFailed, reason: "S3 HEAD \(key): stored sha256 metadata differs", retryable: true)
        }
        if let checksum, let stored = reply.header("x-amz-checksum-sha256"), stored != checksum {
            throw ExportError(.verificationFailed, reason: "S3 HEAD \(key): stored checksum differs", retryable: true)
        }
    }

    static let emptyHash = Hex.encode(SHA256.hash(data: [UInt8]()))

    /// The URL and signed headers of one request to `key` (`""` for the bucket itself).
    func send(
        _ method: String, key: String, query: [(String, String)], headers: [(String, String)], body: [UInt8]?,
        payloadHash: String, maxReplyBytes: Int = HTTPTransport.maxReplyBytes, what: String
    ) async throws(ExportError) -> HTTPReply {
        let host: String
        var path: String
        if configuration.pathStyle {
            host = endpoint.authority
            path = endpoint.basePath + "/" + URIEncoding.encode(configuration.bucket)
        } else {
            host = "\(configuration.bucket).\(endpoint.authority)"
            path = endpoint.basePath
        }
        if !key.isEmpty || path.isEmpty {
            path += "/" + URIEncoding.encode(key, keepSlash: true)
        }
        var allHeaders = headers
        allHeaders.append(("host", host))
        allHeaders.append(("x-amz-content-sha256", payloadHash))
        let signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        let signed = signer.sign(
            .init(method: method, path: path, query: query, headers: allHeaders, payloadHash: payloadHash), epochSeconds: now()
        )
        let queryText = query.isEmpty ? "" : "?" + query.map { $0.1.isEmpty ? URIEncoding.encode($0.0) : "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        let url = "\(endpoint.scheme)://\(host)\(path)\(queryText)"
        return try await transport.send(
            method, url, headers: allHeaders.filter { $0.0 != "host" } + signed.headers, body: body,
            timeout: configuration.requestTimeout, maxReplyBytes: maxReplyBytes, what: what
        )
    }

    /// Creates the bucket (tests and first-time setup); an existing bucket owned by the caller is fine.
    func createBucket() async throws(ExportError) {
        let reply = try await send("PUT", key: "", query: [], headers: [], body: [], payloadHash: Self.emptyHash, what: "S3 create bucket")
        guard reply.isSuccess || HTTPReply.serviceErrorCode(reply.body) == "BucketAlreadyOwnedByYou" else {
            throw reply.failure("S3 create bucket")
        }
    }
}
